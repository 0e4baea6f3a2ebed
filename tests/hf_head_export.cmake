# A real head in the playground (issue 13 item 5): the session made from a captured head
# (app/model_view/head_session.cpp, Qt-free, compiled in) recomputes the run's attention.
attnviz_add_test(test_hf_head_export
  SOURCES core/test_hf_head_export.cpp ${PROJECT_SOURCE_DIR}/app/model_view/head_session.cpp
  LIBS attnviz::hf attnviz::attention LABELS core)
target_include_directories(test_hf_head_export PRIVATE ${PROJECT_SOURCE_DIR}/app)
