# Tests of issue 12 outside the core: `attnviz run` and the model window.
attnviz_add_test(test_model_window SOURCES gui/test_model_window.cpp LIBS attnviz::app)
attnviz_add_test(test_run_cli SOURCES app/test_run_cli.cpp LIBS Qt6::Core attnviz::hf attnviz::tokenizers)
add_dependencies(test_run_cli attnviz)
# Issue 13's interventions through `attnviz run` (--ablate).
attnviz_add_test(test_run_interventions_cli SOURCES app/test_run_interventions_cli.cpp LIBS Qt6::Core attnviz::hf)
add_dependencies(test_run_interventions_cli attnviz)
