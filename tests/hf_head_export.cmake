# A real head in the playground (issue 13 item 5): the session made from a captured head
# (app/model_view/head_session.cpp, Qt-free, compiled in) recomputes the run's attention.
attnviz_add_test(test_hf_head_export
  SOURCES core/test_hf_head_export.cpp ${PROJECT_SOURCE_DIR}/app/model_view/head_session.cpp
  LIBS attnviz::hf attnviz::attention LABELS core)
target_include_directories(test_hf_head_export PRIVATE ${PROJECT_SOURCE_DIR}/app)

# `attnviz run --export-head` (and --generate): the session is one `attnviz compute` runs and its
# weights are `run --save-attentions`'s for that head; bad values exit 2 with one line.
attnviz_add_test(test_run_head_export_cli SOURCES app/test_run_head_export_cli.cpp LIBS Qt6::Core attnviz::hf)
add_dependencies(test_run_head_export_cli attnviz)

# The model window's Open Head in Playground…: the playground shows the session, weights = the run's.
attnviz_add_test(test_head_export_gui SOURCES gui/test_head_export_gui.cpp LIBS attnviz::app LABELS gui)
