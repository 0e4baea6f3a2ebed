# Issue 13 item 3: the model window's attention override panel (app/model_view/override_panel.*).
attnviz_add_test(test_model_view_override SOURCES gui/test_model_view_override.cpp LIBS attnviz::app)
