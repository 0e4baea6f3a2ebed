# Tests added by the variant_facts work (included from tests/CMakeLists.txt).
attnviz_add_test(test_variant_facts SOURCES core/test_variant_facts.cpp LIBS attnviz::attention)
attnviz_add_test(test_panel_facts SOURCES gui/test_panel_facts.cpp LIBS attnviz::app)
