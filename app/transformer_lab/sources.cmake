# The Transformer lab window (issue 15): a GPT trained in the program while its heads form.
# Headers with Q_OBJECT are listed for AUTOMOC.
target_sources(attnviz_app PRIVATE
  transformer_lab/lab_types.hpp         transformer_lab/lab_types.cpp
  transformer_lab/lab_runner.hpp        transformer_lab/lab_runner.cpp
  transformer_lab/lab_settings_form.hpp transformer_lab/lab_settings_form.cpp
  transformer_lab/lab_curves.hpp        transformer_lab/lab_curves.cpp
  transformer_lab/lab_timeline.hpp      transformer_lab/lab_timeline.cpp
  transformer_lab/lab_heads_view.hpp    transformer_lab/lab_heads_view.cpp
  transformer_lab/lab_window.hpp        transformer_lab/lab_window.cpp
  transformer_lab/lab_screenshot.cpp
)
