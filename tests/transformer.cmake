# Tests of the Transformer lab (core/transformer, `attnviz train-transformer`), included from
# tests/CMakeLists.txt. Labelled core by hand: attnviz::transformer is a core target.
attnviz_add_test(test_transformer_model SOURCES core/test_transformer_model.cpp
                 LIBS attnviz::transformer LABELS core)
attnviz_add_test(test_transformer_tasks SOURCES core/test_transformer_tasks.cpp
                 LIBS attnviz::transformer LABELS core)
