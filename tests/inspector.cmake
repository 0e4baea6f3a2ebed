# Tests of the attention-file inspector window (issue 5).
attnviz_add_test(test_inspector_downsample SOURCES inspector/test_downsample.cpp LIBS attnviz::inspect)
attnviz_add_test(test_zoomable_heatmap SOURCES inspector/test_zoomable_heatmap.cpp LIBS attnviz::widgets)
attnviz_add_test(test_inspector_window SOURCES inspector/test_inspector_window.cpp LIBS attnviz::app)
attnviz_add_test(test_inspector_screenshot_cli SOURCES inspector/test_inspector_screenshot_cli.cpp LIBS Qt6::Gui)
add_dependencies(test_inspector_screenshot_cli attnviz)
