# The model window (issue 12): a Hugging Face checkpoint run natively, its attention shown in
# the inspector's views; `attnviz run` shares run_input with it.
target_sources(attnviz_app PRIVATE
  model_view/run_input.hpp             model_view/run_input.cpp
  model_view/model_runner.hpp          model_view/model_runner.cpp
  model_view/model_run_panel.hpp       model_view/model_run_panel.cpp
  model_view/model_window.hpp          model_view/model_window.cpp
  model_view/model_screenshot.cpp
  model_view/intervention_panels.hpp
  model_view/generation_runner.hpp    model_view/generation_runner.cpp
  model_view/generation_panel.hpp     model_view/generation_panel.cpp
  model_view/ablation_panel.hpp        model_view/ablation_panel.cpp
  model_view/ablation_set.hpp          model_view/ablation_set.cpp
  model_view/logit_lens_panel.hpp      model_view/logit_lens_panel.cpp
  model_view/override_panel.hpp        model_view/override_panel.cpp
  model_view/override_row_model.hpp    model_view/override_row_model.cpp
  model_view/head_session.hpp         model_view/head_session.cpp
  model_view/head_export_action.cpp
)
target_link_libraries(attnviz_app PUBLIC attnviz::tokenizers)
