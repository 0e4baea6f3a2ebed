// SPDX-License-Identifier: GPL-3.0-or-later
#include "lessons/lesson_parser.hpp"

#include "lessons/condition.hpp"

#include "attnviz/core/utf8.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>

namespace attnviz::lessons {

namespace {
std::string where(const std::string& file, int line, const std::string& message)
{
    std::string s = file;
    if (line > 0) s.append(":").append(std::to_string(line));
    s.append(": ").append(message);
    return s;
}
}  // namespace

LessonError::LessonError(std::string file, int line, std::string message)
    : std::invalid_argument(where(file, line, message)),
      file_(std::move(file)), line_(line), message_(std::move(message))
{
}

std::string Action::toString() const
{
    std::string s = verb;
    for (const std::string& a : args) s += " " + (a.find(' ') != std::string::npos ? "\"" + a + "\"" : a);
    return s;
}

std::string lessonIdFromFileName(const std::string& fileName)
{
    std::string base = fileName.substr(fileName.find_last_of("/\\") == std::string::npos ? 0 : fileName.find_last_of("/\\") + 1);
    if (const auto dot = base.rfind('.'); dot != std::string::npos && dot > 0) base.erase(dot);
    std::size_t i = 0;
    while (i < base.size() && std::isdigit(static_cast<unsigned char>(base[i]))) ++i;
    if (i > 0 && i < base.size() && base[i] == '-') base.erase(0, i + 1);
    return base;
}

std::vector<std::string> splitWords(std::string_view line)
{
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < line.size()) {
        if (std::isspace(static_cast<unsigned char>(line[i]))) {
            ++i;
            continue;
        }
        if (line[i] == '"') {
            const std::size_t end = line.find('"', i + 1);
            const std::size_t stop = end == std::string_view::npos ? line.size() : end;
            words.emplace_back(line.substr(i + 1, stop - i - 1));
            i = end == std::string_view::npos ? line.size() : end + 1;
            continue;
        }
        std::size_t j = i;
        while (j < line.size() && !std::isspace(static_cast<unsigned char>(line[j]))) ++j;
        words.emplace_back(line.substr(i, j - i));
        i = j;
    }
    return words;
}

int countWords(std::string_view text)
{
    int n = 0;
    bool inWord = false;
    for (const char c : text) {
        const bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
        if (!space && !inWord) ++n;
        inWord = !space;
    }
    return n;
}

namespace {

std::string trim(std::string_view s)
{
    std::size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return std::string(s.substr(b, e - b));
}

std::string joinList(const std::vector<std::string>& items, std::size_t max = 12)
{
    std::string s;
    for (std::size_t i = 0; i < items.size() && i < max; ++i) s += (i ? ", " : "") + items[i];
    if (items.size() > max) s += ", ...";
    return s;
}

bool isWholeNumber(const std::string& w)
{
    return !w.empty() && w.size() <= 9 && std::all_of(w.begin(), w.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

std::optional<double> parseNumber(const std::string& w)
{
    if (w.empty()) return std::nullopt;
    char* end = nullptr;
    const double d = std::strtod(w.c_str(), &end);
    if (end != w.c_str() + w.size() || !std::isfinite(d)) return std::nullopt;
    return d;
}

class FileParser {
public:
    FileParser(std::string_view text, const std::string& file, const Vocabulary& vocabulary)
        : text_(text), file_(file), vocabulary_(vocabulary)
    {
    }

    Lesson parse()
    {
        if (static_cast<long long>(text_.size()) > kMaxLessonFileBytes)
            fail(0, "the file has " + std::to_string(text_.size()) + " bytes; a lesson has at most " +
                        std::to_string(kMaxLessonFileBytes));
        checkUtf8();
        lesson_.file = file_;
        lesson_.id = lessonIdFromFileName(file_);
        splitLines();
        for (std::size_t i = 0; i < lines_.size(); ++i) parseLine(i);
        finishTask();
        if (lesson_.title.empty()) fail(0, "no title: the file needs a line \"title: ...\"");
        if (lesson_.text.empty()) fail(0, "no text: the file needs \"text:\" followed by indented lines");
        if (lesson_.tasks.empty()) fail(0, "no task: a lesson has one to four \"task:\" lines");
        const int words = countWords(lesson_.text);
        if (words > kMaxTextWords)
            fail(textLine_, "the text has " + std::to_string(words) + " words; a lesson's text has at most " +
                                std::to_string(kMaxTextWords));
        return std::move(lesson_);
    }

private:
    [[noreturn]] void fail(int line, const std::string& message) const { throw LessonError(file_, line, message); }

    void checkUtf8() const
    {
        int line = 1;
        for (std::size_t i = 0; i < text_.size();) {
            if (text_[i] == '\n') ++line;
            if (static_cast<unsigned char>(text_[i]) < 0x80) {
                if (text_[i] == '\0') fail(line, "the file holds a NUL byte: a lesson is UTF-8 text");
                ++i;
                continue;
            }
            char32_t cp = 0;
            const std::size_t n = utf8::decode(text_, i, cp);
            if (n == 0) fail(line, "not UTF-8 text (save the file as UTF-8)");
            i += n;
        }
    }

    void splitLines()
    {
        std::size_t start = 0;
        while (start <= text_.size()) {
            std::size_t end = text_.find('\n', start);
            if (end == std::string_view::npos) end = text_.size();
            std::string_view line = text_.substr(start, end - start);
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            lines_.emplace_back(line);
            if (end == text_.size()) break;
            start = end + 1;
        }
        if (lines_.size() == 1 && start == 0 && text_.empty()) lines_.clear();
    }

    void parseLine(std::size_t index)
    {
        const int lineNo = static_cast<int>(index) + 1;
        const std::string& raw = lines_[index];
        const bool blank = trim(raw).empty();
        const bool indented = !raw.empty() && (raw[0] == ' ' || raw[0] == '\t');
        if (blank) {
            if (continuing_ == &lesson_.text && !lesson_.text.empty()) pendingParagraph_ = true;
            return;
        }
        if (!indented && raw[0] == '#') return;
        if (indented) {
            if (!continuing_) fail(lineNo, "an indented line continues nothing (only text, task, hint and check run over several lines)");
            const std::string more = trim(raw);
            if (continuing_ == &lesson_.text) {
                // The text keeps its lines: "= formula" lines and paragraphs are markup.
                if (!lesson_.text.empty()) lesson_.text += pendingParagraph_ ? "\n\n" : "\n";
                pendingParagraph_ = false;
                lesson_.text += more;
            } else {
                *continuing_ += (continuing_->empty() ? "" : " ") + more;
                if (continuingCheck_) currentTask().checkSource = *continuing_;
            }
            return;
        }
        continuing_ = nullptr;
        continuingCheck_ = false;
        pendingParagraph_ = false;
        const std::size_t colon = raw.find(':');
        const std::string key = trim(raw.substr(0, colon == std::string::npos ? raw.size() : colon));
        if (colon == std::string::npos || key.empty() || key.find(' ') != std::string::npos)
            fail(lineNo, "expected \"key: value\" (keys: title, panels, cumulative, text, setup, task, hint, show, check), got \"" +
                             trim(raw).substr(0, 40) + "\"");
        const std::string value = trim(raw.substr(colon + 1));
        if (key == "title") {
            if (!lesson_.title.empty()) fail(lineNo, "a second title (the first is on line " + std::to_string(titleLine_) + ")");
            if (value.empty()) fail(lineNo, "the title is empty");
            lesson_.title = value;
            titleLine_ = lineNo;
        } else if (key == "panels") {
            lesson_.panels = splitWords(value);
            if (lesson_.panels.empty()) fail(lineNo, "panels: name at least one panel (heatmap, controls, seq2seq.translate, ...)");
        } else if (key == "cumulative") {
            if (value != "yes" && value != "no") fail(lineNo, "cumulative: expected yes or no, got \"" + value + "\"");
            lesson_.cumulative = value == "yes";
        } else if (key == "text") {
            if (textLine_) fail(lineNo, "a second text (the first starts on line " + std::to_string(textLine_) + ")");
            textLine_ = lineNo;
            lesson_.text = value;
            continuing_ = &lesson_.text;
        } else if (key == "setup") {
            if (!lesson_.tasks.empty() || inTask_) fail(lineNo, "setup after the first task: the setup comes before the tasks");
            lesson_.setup.push_back(parseAction(value, lineNo));
        } else if (key == "task") {
            finishTask();
            if (static_cast<int>(lesson_.tasks.size()) >= kMaxTasks)
                fail(lineNo, "too many tasks: a lesson has at most " + std::to_string(kMaxTasks));
            if (value.empty()) fail(lineNo, "the task is empty: say what the student should do");
            inTask_ = true;
            task_ = Task{};
            task_.line = lineNo;
            task_.text = value;
            continuing_ = &task_.text;
        } else if (key == "hint" || key == "show" || key == "check") {
            if (!inTask_) fail(lineNo, key + " before any task (write \"task: ...\" first)");
            if (key == "hint") {
                if (!task_.hint.empty()) fail(lineNo, "a second hint for the task of line " + std::to_string(task_.line));
                if (value.empty()) fail(lineNo, "the hint is empty");
                task_.hint = value;
                continuing_ = &task_.hint;
            } else if (key == "show") {
                task_.show.push_back(parseAction(value, lineNo));
            } else {
                if (checkLine_) fail(lineNo, "a second check for the task of line " + std::to_string(task_.line) + " (join them with and)");
                checkLine_ = lineNo;
                task_.checkSource = value;
                continuing_ = &task_.checkSource;
                continuingCheck_ = true;
            }
        } else {
            fail(lineNo, "unknown key \"" + key + "\" (keys: title, panels, cumulative, text, setup, task, hint, show, check)");
        }
    }

    Task& currentTask() { return task_; }

    // Ends the open task: it needs a hint, a "Show me" and a check that parses.
    void finishTask()
    {
        if (!inTask_) return;
        inTask_ = false;
        const std::string which = "the task of line " + std::to_string(task_.line);
        if (task_.hint.empty()) fail(task_.line, which + " has no hint");
        if (task_.show.empty()) fail(task_.line, which + " has no \"show:\" line (what Show me does)");
        if (!checkLine_) fail(task_.line, which + " has no check");
        try {
            task_.check = parseCondition(task_.checkSource, vocabulary_);
        } catch (const std::invalid_argument& e) {
            fail(checkLine_, std::string("check: ") + e.what());
        }
        checkLine_ = 0;
        lesson_.tasks.push_back(std::move(task_));
    }

    Action parseAction(const std::string& value, int lineNo) const
    {
        std::vector<std::string> words = splitWords(value);
        if (words.empty()) fail(lineNo, "an empty step: name a verb (" + verbList() + ")");
        Action a;
        a.line = lineNo;
        a.verb = words.front();
        const VerbSpec* spec = vocabulary_.verb(a.verb);
        if (!spec) fail(lineNo, "unknown setup name \"" + a.verb + "\" (known: " + verbList() + ")");
        words.erase(words.begin());
        if (spec->args.size() == 1 && spec->args.front() == "text") {
            // The rest of the line, quotes or not.
            std::string rest = trim(value.substr(value.find(a.verb) + a.verb.size()));
            if (rest.size() >= 2 && rest.front() == '"' && rest.back() == '"') rest = rest.substr(1, rest.size() - 2);
            if (rest.empty()) fail(lineNo, a.verb + " needs a text");
            a.args = {rest};
            return a;
        }
        const bool variadic = !spec->args.empty() && spec->args.back() == "int+";
        if (variadic ? words.empty() : words.size() != spec->args.size()) {
            std::string form = a.verb;
            for (const std::string& k : spec->args) form += " <" + k + ">";
            fail(lineNo, a.verb + " takes " + std::to_string(spec->args.size()) + " word(s): " + form + " (got " +
                             std::to_string(words.size()) + ")");
        }
        for (std::size_t i = 0; i < words.size(); ++i) {
            const std::string& kind = spec->args[std::min(i, spec->args.size() - 1)];
            const std::string& w = words[i];
            if (kind == "int") {
                if (!isWholeNumber(w)) fail(lineNo, a.verb + ": expected a whole number from 0, got \"" + w + "\"");
            } else if (kind == "int+") {
                if (!(w == "none" && words.size() == 1) && !isWholeNumber(w))
                    fail(lineNo, a.verb + ": expected whole numbers from 0, or none, got \"" + w + "\"");
            } else if (kind == "number") {
                if (!parseNumber(w)) fail(lineNo, a.verb + ": expected a number, got \"" + w + "\"");
                if (a.verb == "temperature" && *parseNumber(w) <= 0) fail(lineNo, "temperature: must be above 0, got " + w);
            } else if (kind == "onoff") {
                if (w != "on" && w != "off") fail(lineNo, a.verb + ": expected on or off, got \"" + w + "\"");
            } else {
                const auto it = vocabulary_.lists.find(kind);
                if (it != vocabulary_.lists.end() && std::find(it->second.begin(), it->second.end(), w) == it->second.end())
                    fail(lineNo, "unknown " + kind + " \"" + w + "\" (known: " + joinList(it->second) + ")");
            }
        }
        a.args = std::move(words);
        return a;
    }

    std::string verbList() const
    {
        std::vector<std::string> names;
        for (const VerbSpec& v : vocabulary_.verbs) names.push_back(v.verb);
        return joinList(names, 100);
    }

    std::string_view text_;
    std::string file_;
    const Vocabulary& vocabulary_;
    std::vector<std::string> lines_;
    Lesson lesson_;
    Task task_;
    bool inTask_ = false;
    std::string* continuing_ = nullptr;
    bool continuingCheck_ = false;
    bool pendingParagraph_ = false;
    int titleLine_ = 0, textLine_ = 0, checkLine_ = 0;
};

}  // namespace

Lesson parseLesson(std::string_view text, const std::string& fileName, const Vocabulary& vocabulary)
{
    return FileParser(text, fileName, vocabulary).parse();
}

}  // namespace attnviz::lessons
