# Tests added by the training work (included from tests/CMakeLists.txt).

# nn::train_loop on models with known answers (linear regression, recorders, fixed gradients).
attnviz_add_test(test_train_loop SOURCES core/test_train_loop.cpp LIBS attnviz::nn)
# seq2seq::TrainJob: defaults, the loop it replaced, the command line's numbers and bytes, callbacks.
attnviz_add_test(test_train_job SOURCES core/test_train_job.cpp LIBS attnviz::seq2seq Qt6::Core)
add_dependencies(test_train_job attnviz)
