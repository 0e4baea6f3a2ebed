# Tests added by the nn work (included from tests/CMakeLists.txt).
