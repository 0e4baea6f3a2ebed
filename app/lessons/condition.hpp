// SPDX-License-Identifier: GPL-3.0-or-later
// A task's check: parsed from one line of a lesson file and evaluated against the values the
// windows publish. Plain C++.
//
//   check := or ;  or := and ("or" and)* ;  and := not ("and" not)* ;  not := "not" not | atom
//   atom  := "(" check ")" | ("all" | "any") "(" check ("," check)* ")" | operand [op operand]
//   op    := == != < <= > >=        operand := name ("[" int "]")* | number | "text" | true | false
//
// A lone value must be a yes/no value (seq2seq.trained). Comparisons are typed: numbers with
// numbers (all six operators; == within 1e-9 relative), text with text and yes/no with yes/no
// (== and != only). A value that is not published (a window closed, an index past the matrix)
// makes its comparison false.
#pragma once

#include "lessons/lesson.hpp"
#include "lessons/vocabulary.hpp"

#include <optional>
#include <string>
#include <vector>

namespace attnviz::lessons {

// Where a check reads the published values from.
class ValueSource {
public:
    virtual ~ValueSource() = default;
    // The value of `name` at `indices`, or nullopt when it is not published (or out of range).
    virtual std::optional<Scalar> lookup(const std::string& name, const std::vector<long>& indices) const = 0;
};

// A refused condition: the message says what (and quotes the part that is wrong).
struct ConditionError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

// Throws ConditionError for bad syntax, an unknown value name, a wrong index count, a bad
// operator, a type mismatch or a text literal outside the value's choices.
Condition parseCondition(const std::string& text, const Vocabulary& vocabulary);

bool evaluate(const Condition& condition, const ValueSource& source);

// Every published name the condition reads (for the panel's "what is checked" tooltip).
std::vector<std::string> namesRead(const Condition& condition);

}  // namespace attnviz::lessons
