# The seq2seq model window (issue 4): training, probe snapshots, step-through translation.
# Headers with Q_OBJECT are listed for AUTOMOC.
target_sources(attnviz_app PRIVATE
  seq2seq_view/seq2seq_types.hpp       seq2seq_view/seq2seq_types.cpp
  seq2seq_view/model_files.hpp         seq2seq_view/model_files.cpp
  seq2seq_view/train_runner.hpp        seq2seq_view/train_runner.cpp
  seq2seq_view/train_settings_form.hpp seq2seq_view/train_settings_form.cpp
  seq2seq_view/snapshot_timeline.hpp   seq2seq_view/snapshot_timeline.cpp
  seq2seq_view/train_panel.hpp         seq2seq_view/train_panel.cpp
  seq2seq_view/whatif_session.hpp      seq2seq_view/whatif_session.cpp
  seq2seq_view/whatif_panel.hpp        seq2seq_view/whatif_panel.cpp
  seq2seq_view/step_view.hpp           seq2seq_view/step_view.cpp
  seq2seq_view/translate_panel.hpp     seq2seq_view/translate_panel.cpp
  seq2seq_view/seq2seq_window.hpp      seq2seq_view/seq2seq_window.cpp
  seq2seq_view/seq2seq_screenshot.cpp
)
qt_add_resources(attnviz_app attnviz_models
  PREFIX "/"
  BASE ${PROJECT_SOURCE_DIR}/resources
  FILES ${PROJECT_SOURCE_DIR}/resources/models/toy-fr.safetensors
)
