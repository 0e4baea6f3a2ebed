// SPDX-License-Identifier: GPL-3.0-or-later
// A lesson as data (issue 14): what a file in resources/lessons/ says once parsed. Plain C++, no
// Qt: the parser (lesson_parser.hpp) builds these, the condition evaluator (condition.hpp) reads
// them, the Lessons panel shows them and performs their actions. docs/lessons.md is the format.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace attnviz::lessons {

// The value of one published name, or a literal in a check.
using Scalar = std::variant<bool, double, std::string>;

enum class ValueType { Bool, Number, Text };

enum class CompareOp { Eq, Ne, Lt, Le, Gt, Ge };

// One side of a comparison: a published value (name and indices) or a literal.
struct Operand {
    bool isLiteral = false;
    Scalar literal;
    std::string name;           // "playground.weight"
    std::vector<long> indices;  // [1][2] → {1, 2}
    ValueType type = ValueType::Bool;
};

// A check: a tree of and / or / not over comparisons. A lone value is a comparison with true.
struct Condition {
    enum class Kind { And, Or, Not, Compare };
    Kind kind = Kind::Compare;
    std::vector<Condition> children;  // And/Or: two or more; Not: one
    Operand left, right;
    CompareOp op = CompareOp::Eq;
};

// One step of a Setup or a "Show me", by names the program already has: a verb and its words
// ("preset tf-tutorial", "cell Q 1 1 20", "translate "the cat ."").
struct Action {
    std::string verb;
    std::vector<std::string> args;
    int line = 0;  // in the lesson file

    std::string toString() const;
};

struct Task {
    std::string text;               // what to do
    std::string hint;
    std::vector<Action> show;       // the "Show me" steps, in order
    Condition check;
    std::string checkSource;        // the condition as written
    int line = 0;
};

struct Lesson {
    std::string id;     // the file name without its number and suffix: 01-dot-product.lesson → dot-product
    std::string file;   // as named in messages
    std::string title;
    std::string text;   // the markup of docs/lessons.md (paragraphs, "= formula" lines, *bold*, `code`)
    std::vector<std::string> panels;  // F1 on one of these panels opens this lesson
    // True when task k builds on tasks 1..k-1 (its "Show me" repeats their steps, so their ticks
    // may come with it); false: every task is independent of the others.
    bool cumulative = false;
    std::vector<Action> setup;
    std::vector<Task> tasks;
};

// A refused lesson file: where and what. what() is "FILE:LINE: MESSAGE" (no line: "FILE: MESSAGE").
class LessonError : public std::invalid_argument {
public:
    LessonError(std::string file, int line, std::string message);
    const std::string& file() const { return file_; }
    int line() const { return line_; }
    const std::string& message() const { return message_; }

private:
    std::string file_;
    int line_;
    std::string message_;
};

// The limits a lesson keeps (docs/lessons.md).
inline constexpr int kMaxTasks = 4;
inline constexpr int kMaxTextWords = 200;
inline constexpr long long kMaxLessonFileBytes = 64 * 1024;

}  // namespace attnviz::lessons
