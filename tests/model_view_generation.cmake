# Issue 13 item 1 in the model window: the Generate dock (Step, Play/Pause, Reset, top K per step).
attnviz_add_test(test_model_view_generation SOURCES gui/test_model_view_generation.cpp LIBS attnviz::app)
