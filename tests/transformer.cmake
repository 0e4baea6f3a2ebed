# Tests of the Transformer lab (core/transformer, `attnviz train-transformer`), included from
# tests/CMakeLists.txt. Labelled core by hand: attnviz::transformer is a core target.
attnviz_add_test(test_transformer_model SOURCES core/test_transformer_model.cpp
                 LIBS attnviz::transformer LABELS core)
attnviz_add_test(test_transformer_tasks SOURCES core/test_transformer_tasks.cpp
                 LIBS attnviz::transformer LABELS core)
attnviz_add_test(test_transformer_checkpoint SOURCES core/test_transformer_checkpoint.cpp
                 LIBS attnviz::transformer LABELS core)
# `attnviz train-transformer` run as a user would (label cli).
attnviz_add_test(test_train_transformer_cli SOURCES app/test_train_transformer_cli.cpp LIBS Qt6::Core)
add_dependencies(test_train_transformer_cli attnviz)
# The default induction run and its one-layer comparison (about 60 s natively; skipped under ASan).
attnviz_add_test(test_transformer_training SOURCES core/test_transformer_training.cpp
                 LIBS attnviz::transformer LABELS core)
# The lab's saved checkpoint run by the Hugging Face runner and tokenizer (issue 12).
attnviz_add_test(test_lab_checkpoint_in_runner SOURCES core/test_lab_checkpoint_in_runner.cpp
                 LIBS attnviz::transformer attnviz::hf attnviz::tokenizers LABELS core)
