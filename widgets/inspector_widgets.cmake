# Widgets of the attention-file inspector (issue 5).
set(ATTNVIZ_INSPECTOR_INC include/attnviz/widgets/inspector)
target_sources(attnviz_widgets PRIVATE
  ${ATTNVIZ_INSPECTOR_INC}/colormap_image.hpp          src/inspector/colormap_image.cpp
  ${ATTNVIZ_INSPECTOR_INC}/view_export.hpp             src/inspector/view_export.cpp
  ${ATTNVIZ_INSPECTOR_INC}/zoomable_heatmap_widget.hpp src/inspector/zoomable_heatmap_widget.cpp
  ${ATTNVIZ_INSPECTOR_INC}/head_thumbnails.hpp         src/inspector/head_thumbnails.cpp
  ${ATTNVIZ_INSPECTOR_INC}/thumbnail_grid_widget.hpp   src/inspector/thumbnail_grid_widget.cpp
  ${ATTNVIZ_INSPECTOR_INC}/head_lines_widget.hpp       src/inspector/head_lines_widget.cpp
)
