// SPDX-License-Identifier: GPL-3.0-or-later
// The entry point of each command-line mode. `args` exclude "attnviz" and the command's name.
// Each returns an exit status of shell/command.hpp.
#pragma once

#include <QStringList>

namespace attnviz::cli {

int run_compute(const QStringList& args);  // compute_command.cpp
int run_inspect(const QStringList& args);  // inspect_command.cpp
int run_train(const QStringList& args);    // train_command.cpp
int run_translate(const QStringList& args);  // translate_command.cpp
int run_run(const QStringList& args);        // run_command.cpp
int run_train_transformer(const QStringList& args);  // train_transformer_command.cpp
int run_tokenize(const QStringList& args);   // tokenize_command.cpp
int run_screenshot(const QStringList& args);  // gui/screenshot_command.cpp
// `attnviz screenshot --open FILE ...` and `attnviz screenshot --seq2seq ...`: run_screenshot
// hands these over whole.
int run_inspector_screenshot(const QStringList& args);  // inspector/inspector_screenshot.cpp
int run_seq2seq_screenshot(const QStringList& args);    // seq2seq_view/seq2seq_screenshot.cpp
int run_lesson_screenshot(const QStringList& args);     // lessons/lesson_screenshot.cpp (--lesson)
int run_model_screenshot(const QStringList& args);      // model_view/model_screenshot.cpp
int run_lab_screenshot(const QStringList& args);        // transformer_lab/lab_screenshot.cpp (--lab)

}  // namespace attnviz::cli
