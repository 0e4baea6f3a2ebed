# Tests added by the shell work (included from tests/CMakeLists.txt).
