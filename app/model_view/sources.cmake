# The model window (issue 12): a Hugging Face checkpoint run natively, its attention shown in
# the inspector's views; `attnviz run` shares run_input with it.
target_sources(attnviz_app PRIVATE
  model_view/run_input.hpp             model_view/run_input.cpp
  model_view/model_runner.hpp          model_view/model_runner.cpp
  model_view/model_run_panel.hpp       model_view/model_run_panel.cpp
  model_view/model_window.hpp          model_view/model_window.cpp
  model_view/model_screenshot.cpp
)
if(TARGET attnviz::tokenizers)
  target_link_libraries(attnviz_app PUBLIC attnviz::tokenizers)
  target_compile_definitions(attnviz_app PRIVATE ATTNVIZ_HAVE_TOKENIZERS=1)
else()  # until the tokenizers target is registered: token ids only
  target_include_directories(attnviz_app PRIVATE ${PROJECT_SOURCE_DIR}/core/tokenizers/include)
endif()
