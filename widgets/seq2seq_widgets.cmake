# Widgets of the seq2seq model window (issue 4). They draw snapshots; they never do the math.
target_sources(attnviz_widgets PRIVATE
  include/attnviz/widgets/seq2seq_loss_curve_widget.hpp        src/seq2seq_loss_curve_widget.cpp
  include/attnviz/widgets/seq2seq_alignment_lines_widget.hpp   src/seq2seq_alignment_lines_widget.cpp
  include/attnviz/widgets/seq2seq_attention_row_editor.hpp     src/seq2seq_attention_row_editor.cpp
  include/attnviz/widgets/seq2seq_vector_strip_widget.hpp      src/seq2seq_vector_strip_widget.cpp
)
