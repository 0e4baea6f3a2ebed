# Tests added by the perf work (included from tests/CMakeLists.txt).

# multi_head in blocks of query rows (issue 11), and the streaming store it writes them with
# (a header private to the attention target, hence the include directory).
attnviz_add_test(test_multi_head_blocks
  SOURCES core/test_multi_head_blocks.cpp core/naive_attention.cpp LIBS attnviz::attention)
target_include_directories(test_multi_head_blocks PRIVATE ${PROJECT_SOURCE_DIR}/core/attention/src)

# Per-head statistics read in place, equal to the materialising computation they replaced.
attnviz_add_test(test_head_statistics_in_place
  SOURCES core/test_head_statistics_in_place.cpp LIBS attnviz::inspect)

# Labels drawn whole: heatmap positions of 10000 and more, the head view's captions (issue 11).
attnviz_add_test(test_label_widths SOURCES widgets/test_label_widths.cpp LIBS attnviz::widgets)

# The heatmap's shortcuts on the window's edit → screen path draw what they drew before.
attnviz_add_test(test_heatmap_fast_paths SOURCES widgets/test_heatmap_fast_paths.cpp LIBS attnviz::widgets)
