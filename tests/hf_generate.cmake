# Generation with a key/value cache (issue 13 item 1; included from tests/CMakeLists.txt): each
# cached step against the full forward, greedy and seeded sampling, the sampler's statistics.
attnviz_add_test(test_hf_generate SOURCES core/test_hf_generate.cpp LIBS attnviz::hf LABELS core)
