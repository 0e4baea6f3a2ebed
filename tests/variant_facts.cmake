# Tests added by the variant_facts work (included from tests/CMakeLists.txt).
