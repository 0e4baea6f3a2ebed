// SPDX-License-Identifier: GPL-3.0-or-later
// The names a lesson file may use: the values the windows publish (with their types, index
// counts and, for text values, the allowed words) and the words each Setup / "Show me" verb
// takes (presets, variants, datasets, windows, matrices). Plain C++: the parser checks a file
// against a Vocabulary; appVocabulary() is the program's own, built from what it ships.
#pragma once

#include "lessons/lesson.hpp"

#include <map>
#include <string>
#include <vector>

namespace attnviz::lessons {

struct ValueName {
    std::string name;      // "playground.weight"
    ValueType type = ValueType::Number;
    int indices = 0;       // playground.weight[i][j]: 2
    std::string meaning;   // one line for docs/lessons.md and the messages
    // The words a text value can take, for catching "scaled-dot" for "scaled_dot" at load time;
    // empty = any text.
    std::vector<std::string> choices;
    bool published = true;  // false: named for a window that does not publish yet (the lab)
};

// What one verb takes. Each word of `args` is a kind: "int", "int+" (one or more ints, or
// "none"), "number", "onoff", "text" (the rest of the line, may be "quoted"), or a list name of
// Vocabulary::lists ("preset", "variant", "dataset", "window", "matrix", "tab").
struct VerbSpec {
    std::string verb;
    std::vector<std::string> args;
    std::string meaning;
};

struct Vocabulary {
    std::vector<ValueName> values;
    std::vector<VerbSpec> verbs;
    std::map<std::string, std::vector<std::string>> lists;

    const ValueName* value(const std::string& name) const;
    const VerbSpec* verb(const std::string& name) const;
};

// The program's vocabulary: every published value, every verb, and the presets, variants,
// datasets and parameter names the program ships.
const Vocabulary& appVocabulary();

}  // namespace attnviz::lessons
