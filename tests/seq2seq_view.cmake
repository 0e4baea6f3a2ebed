# Tests of the seq2seq model window (issue 4).
attnviz_add_test(test_seq2seq_whatif SOURCES core/test_seq2seq_whatif.cpp LIBS attnviz::seq2seq)
attnviz_add_test(test_seq2seq_window SOURCES seq2seq_view/test_seq2seq_window.cpp LIBS attnviz::app)
attnviz_add_test(test_seq2seq_train_panel SOURCES seq2seq_view/test_seq2seq_train_panel.cpp LIBS attnviz::app)
attnviz_add_test(test_seq2seq_screenshot SOURCES seq2seq_view/test_seq2seq_screenshot.cpp LIBS Qt6::Gui)
add_dependencies(test_seq2seq_screenshot attnviz)
