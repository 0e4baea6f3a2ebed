# The Transformer lab window (issue 15).
attnviz_add_test(test_transformer_lab SOURCES gui/test_transformer_lab.cpp LIBS attnviz::app)
attnviz_add_test(test_lab_screenshot SOURCES gui/test_lab_screenshot.cpp LIBS Qt6::Gui)
add_dependencies(test_lab_screenshot attnviz)
