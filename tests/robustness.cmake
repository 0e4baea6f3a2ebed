# Tests added by the robustness work (included from tests/CMakeLists.txt).
attnviz_add_test(test_atomic_write SOURCES core/test_atomic_write.cpp LIBS attnviz::io)
attnviz_add_test(test_untrusted_files SOURCES core/test_untrusted_files.cpp LIBS attnviz::inspect)
attnviz_add_test(test_model_limits SOURCES core/test_model_limits.cpp LIBS attnviz::seq2seq)
