# The attention-file inspector window (issue 5): model view, head view, heatmap, statistics.
target_sources(attnviz_app PRIVATE
  inspector/inspector_loader.hpp       inspector/inspector_loader.cpp
  inspector/analysis_runner.hpp        inspector/analysis_runner.cpp
  inspector/head_stats_model.hpp       inspector/head_stats_model.cpp
  inspector/stats_panel.hpp            inspector/stats_panel.cpp
  inspector/heatmap_panel.hpp          inspector/heatmap_panel.cpp
  inspector/head_view_panel.hpp        inspector/head_view_panel.cpp
  inspector/model_panel.hpp            inspector/model_panel.cpp
  inspector/scores_banner.hpp          inspector/scores_banner.cpp
  inspector/file_changed_banner.hpp    inspector/file_changed_banner.cpp
  inspector/export_dialog.hpp          inspector/export_dialog.cpp
  inspector/inspector_window.hpp       inspector/inspector_window.cpp
  inspector/inspector_screenshot.cpp
)
