# Tests added by the shell work (included from tests/CMakeLists.txt).
attnviz_add_test(test_options SOURCES app/test_options.cpp LIBS attnviz::app)
