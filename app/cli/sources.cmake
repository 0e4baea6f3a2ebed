# The command-line modes (`attnviz COMMAND ...`); their options are parsed by shell/options.
# The screenshot modes live beside their windows (gui/, seq2seq_view/, inspector/).
target_sources(attnviz_app PRIVATE
  cli/command_line.hpp         cli/command_line.cpp
  cli/commands.hpp
  cli/cli_output.hpp           cli/cli_output.cpp
  cli/compute_command.cpp
  cli/inspect_command.cpp
  cli/train_command.cpp
  cli/train_transformer_command.cpp
  cli/translate_command.cpp
  cli/run_command.cpp
  cli/tokenize_command.cpp
)
