// SPDX-License-Identifier: GPL-3.0-or-later
// The example sessions shipped inside the program as Qt resources (resources/presets/*.json).
#pragma once

#include "attnviz/core/session.hpp"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace attnviz {

// The preset the GUI opens with.
inline constexpr const char* kDefaultPreset = "tf-tutorial";

// Every preset name (the file name without ".json"), the default first, then alphabetical.
QStringList preset_names();

// The preset's session file as shipped, or an empty array when there is no preset `name`.
QByteArray preset_json(const QString& name);

// The parsed session. Throws std::invalid_argument for an unknown name, listing the known ones:
// "unknown preset "foo" (known: tf-tutorial, causal-self-attention, ...)".
Session load_preset(const QString& name);

}  // namespace attnviz
