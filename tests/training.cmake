# Tests added by the training work (included from tests/CMakeLists.txt).
