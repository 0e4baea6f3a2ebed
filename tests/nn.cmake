# Tests added by the nn work (included from tests/CMakeLists.txt).

# The shared row softmax (both storage paths, backward) and issue 11's overflow refusal.
attnviz_add_test(test_nn_softmax SOURCES core/test_nn_softmax.cpp LIBS attnviz::attention)

# Every new backward pass of the layer kit against central finite differences in double.
attnviz_add_test(test_nn_gradients SOURCES core/test_nn_gradients.cpp LIBS attnviz::nn)

# Forward values of the kit's layers (hand and closed-form numbers), AdamW, rotary properties, refusals.
attnviz_add_test(test_nn_layers SOURCES core/test_nn_layers.cpp LIBS attnviz::nn)

# nn::SelfAttention's forward against the playground's multi_head and plain loops; GQA, fused
# projections, causal zeros, padding, rotary gaps, head gates and row overrides.
attnviz_add_test(test_nn_attention SOURCES core/test_nn_attention.cpp LIBS attnviz::nn attnviz::attention)
