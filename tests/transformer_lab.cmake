# The Transformer lab window (issue 15).
attnviz_add_test(test_transformer_lab SOURCES gui/test_transformer_lab.cpp LIBS attnviz::app)
