# Tests added by the shell work (included from tests/CMakeLists.txt).
attnviz_add_test(test_options SOURCES app/test_options.cpp LIBS attnviz::app)
attnviz_add_test(test_cli_limits SOURCES app/test_cli_limits.cpp LIBS Qt6::Core)
add_dependencies(test_cli_limits attnviz)
attnviz_add_test(test_command_ending SOURCES app/test_command_ending.cpp LIBS attnviz::app)
