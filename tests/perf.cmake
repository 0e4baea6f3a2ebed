# Tests added by the perf work (included from tests/CMakeLists.txt).
