# Tests of attnviz::hf, Hugging Face checkpoints (included from tests/CMakeLists.txt).

# Every family and dtype against the numpy reference's attentions and logits (tests/data/hf/).
attnviz_add_test(test_hf_reference SOURCES core/test_hf_reference.cpp LIBS attnviz::hf LABELS core)
