// SPDX-License-Identifier: GPL-3.0-or-later
// The lab's tasks: sequences of ctx token ids, generated from a seed with integer arithmetic
// only (attnviz::Rng::below), so a seed means the same sequences on every platform.
//
//   induction  k random tokens, the same k tokens again, then fresh random tokens up to ctx;
//              k drawn per sequence uniformly from [max(2, ctx/8), ctx/2]. Vocabulary: exactly
//              the ids 0 … V−1, shown as "t0" … "t{V−1}". Scored (accuracy): the targets of the
//              second copy, i.e. predicting tokens k+1 … 2k−1 from positions k … 2k−2 (the first
//              token of the copy is not predictable).
//   copy       m random tokens a_1 … a_m, the separator, a_1 … a_m, then padding (the separator
//              again) up to ctx; m drawn from [1, (ctx−1)/2]. Token ids 0 … V−1 are "t0" …, the
//              separator is id V ("|"), so the model's vocabulary is V + 1.
//   reverse    as copy with a_m … a_1 after the separator.
//   sort       as copy with a_1 … a_m sorted ascending after the separator.
//              (copy/reverse/sort score the targets after the separator: the answer tokens.)
//   text       a text file at character level: a random window of ctx characters (code points)
//              per sequence; the vocabulary is the file's distinct characters in code-point
//              order; every target is scored. A sentence-pair file (d2l's fra.txt: English TAB
//              French …) contributes its English side, one line per sentence, joined by '\n'.
//
// Loss on every task: next-token cross-entropy on every position (inputs = tokens[0 … ctx−2],
// targets = tokens[1 … ctx−1]).
#pragma once

#include "attnviz/core/random.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace attnviz::transformer {

enum class TaskKind { Induction, Copy, Reverse, Sort, Text };

// "induction", "copy", "reverse", "sort", "text".
std::string_view task_name(TaskKind kind);
// The kind for a name above; nullopt for anything else (a file name, for the command line).
std::optional<TaskKind> task_from_name(std::string_view name);

// A text file is read up to this many bytes (the rest is ignored, and said so in the message of
// nothing; it only bounds memory and time).
inline constexpr std::uintmax_t kMaxTextBytes = 16u * 1024 * 1024;
// A text task's vocabulary (distinct characters) may not exceed this.
inline constexpr int kMaxTextVocab = 512;

// One generated sequence.
struct Sequence {
    std::vector<int> tokens;   // (ctx)
    // (ctx − 1): 1 where target position t (predicting tokens[t + 1] from tokens[0 … t]) counts
    // for the task's accuracy.
    std::vector<char> scored;
    int repeat = 0;  // induction: k (the copy starts at k); copy/reverse/sort: m; text: 0
};

class Task {
public:
    // A generated task. Throws std::invalid_argument naming the value unless vocab ≥ 2 and
    // ctx ≥ 4 (ctx ≥ 5 for copy/reverse/sort), or for TaskKind::Text (use from_text).
    Task(TaskKind kind, int vocab, int ctx);
    // The text task from a file (see above). Throws std::invalid_argument naming the file when it
    // cannot be read, is not UTF-8, holds fewer than ctx + 1 characters or more than kMaxTextVocab
    // distinct ones.
    static Task from_text_file(const std::filesystem::path& path, int ctx);
    // The same from text in memory (tests); `what` labels messages.
    static Task from_text(std::string_view utf8, int ctx, std::string_view what = "text");

    TaskKind kind() const { return kind_; }
    int ctx() const { return ctx_; }
    // The model's vocabulary size: V (induction), V + 1 (copy/reverse/sort), distinct characters
    // (text).
    int vocab_size() const { return static_cast<int>(names_.size()); }
    // The text of each id: "t0" …, "|" for the separator, the character for text.
    const std::vector<std::string>& token_names() const { return names_; }
    // -1 when the task has none.
    int separator() const { return separator_; }

    // Draws one sequence. Identical for the same Rng state on every platform.
    Sequence sample(Rng& rng) const;
    // Fills `out` (ctx) and `scored` (ctx − 1) without allocating once they have their size.
    void sample_into(Rng& rng, std::vector<int>& out, std::vector<char>& scored, int& repeat) const;

private:
    Task() = default;
    TaskKind kind_ = TaskKind::Induction;
    int ctx_ = 0, base_vocab_ = 0, separator_ = -1;
    std::vector<std::string> names_;
    std::vector<int> text_;  // text: the whole file as ids
};

}  // namespace attnviz::transformer
