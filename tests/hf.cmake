# Tests of attnviz::hf, Hugging Face checkpoints (included from tests/CMakeLists.txt).

# Every family and dtype against the numpy reference's attentions and logits (tests/data/hf/).
attnviz_add_test(test_hf_reference SOURCES core/test_hf_reference.cpp LIBS attnviz::hf LABELS core)

# Every bad checkpoint and input with its message; the float16/bfloat16 conversion bit for bit.
attnviz_add_test(test_hf_bad_input SOURCES core/test_hf_bad_input.cpp LIBS attnviz::hf LABELS core)
target_include_directories(test_hf_bad_input PRIVATE ${PROJECT_SOURCE_DIR}/core/hf/src)

# nn/infer.hpp's linear_forward (the packed kernel and its edges) against a double product.
attnviz_add_test(test_nn_infer SOURCES core/test_nn_infer.cpp LIBS attnviz::nn)

# Head ablation (issue 13) against the numpy reference with heads zeroed / mean-replaced.
attnviz_add_test(test_hf_interventions SOURCES core/test_hf_interventions.cpp LIBS attnviz::hf LABELS core)
target_include_directories(test_hf_interventions PRIVATE ${PROJECT_SOURCE_DIR}/core/hf/src)

# Resuming an intervention run from the first layer it touches equals the run from scratch.
attnviz_add_test(test_hf_resume SOURCES core/test_hf_resume.cpp LIBS attnviz::hf LABELS core)
# The trimmed last layer (only the rows whose logits are read) against the whole forward.
attnviz_add_test(test_hf_last_rows SOURCES core/test_hf_last_rows.cpp LIBS attnviz::hf LABELS core)
