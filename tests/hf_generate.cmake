# Generation with a key/value cache (issue 13 item 1; included from tests/CMakeLists.txt): each
# cached step against the full forward, greedy and seeded sampling, the sampler's statistics.
attnviz_add_test(test_hf_generate SOURCES core/test_hf_generate.cpp LIBS attnviz::hf LABELS core)

# The matrix–vector kernel of the steps (nn::linear_forward_streaming) against a double product:
# both layouts, float32 / float16 / bfloat16, 1 … 5 rows, odd sizes.
attnviz_add_test(test_infer_gemv SOURCES core/test_infer_gemv.cpp LIBS attnviz::nn LABELS core)
# The packed GEMM of linear_forward (more than kStreamingRows rows) against a double product.
attnviz_add_test(test_infer_gemm SOURCES core/test_infer_gemm.cpp LIBS attnviz::nn LABELS core)
