# Tests added by the robustness work (included from tests/CMakeLists.txt).
attnviz_add_test(test_atomic_write SOURCES core/test_atomic_write.cpp LIBS attnviz::io)
