// SPDX-License-Identifier: GPL-3.0-or-later
// Models shipped inside the program for the lessons (resources/models/NAME/ as Qt resources:
// a Hugging Face folder, config.json, model.safetensors, tokenizer.json). The model window maps
// its weights from a real file, so a lesson's `open_model builtin:NAME` first copies the folder
// to the application's data folder (QStandardPaths::AppLocalDataLocation/models/NAME), once:
// files already there with the same bytes are left alone.
#pragma once

#include <QString>
#include <QStringList>

namespace attnviz::lessons {

// The shipped models' names ("induction-2l").
QStringList builtinModelNames();
// The folder holding `name` in the data folder, copied there when needed. Empty with the
// reason in *error for an unknown name or a folder that cannot be written.
QString installBuiltinModel(const QString& name, QString* error);

}  // namespace attnviz::lessons
