# Tests added by the robustness work (included from tests/CMakeLists.txt).
