// SPDX-License-Identifier: GPL-3.0-or-later
// Loading and saving seq2seq models for the window: the embedded default model, a user's file,
// and atomic saves. Errors come back as one readable line; nothing here shows a dialog.
#pragma once

#include "seq2seq_view/seq2seq_types.hpp"

#include <QString>

namespace attnviz::seq2seq_view {

struct ModelLoadResult {
    Seq2SeqModelPtr model;  // null on failure
    QString error;          // the problem, naming the file and the tensor or key at fault
};

// The Qt resource path of the shipped toy-fr model.
inline constexpr const char* kDefaultModelResource = ":/models/toy-fr.safetensors";

// A model file on disk, or a Qt resource path (":/…": its bytes are copied to a temporary file
// because the core reads files through a memory mapping).
ModelLoadResult loadSeq2SeqModel(const QString& path);
// The shipped toy-fr model.
ModelLoadResult loadDefaultSeq2SeqModel();

// Writes `model` as safetensors through QSaveFile (a temporary beside the target, renamed on
// success), so a failed save never leaves a half-written model. Empty string on success.
QString saveSeq2SeqModel(const QString& path, const seq2seq::LoadedModel& model);

}  // namespace attnviz::seq2seq_view
