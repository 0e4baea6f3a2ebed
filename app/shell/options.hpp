// SPDX-License-Identifier: GPL-3.0-or-later
// The one option parser of every command-line mode (compute, inspect, train, translate and the
// three screenshot modes). A command declares each option once — its name, the kind of value,
// the range or limit the value must keep, the variable it fills and its help line — and that
// declaration parses the arguments, refuses a bad value before any work or memory is spent on
// it, and writes the Options section of the command's --help, so the help and the checks
// cannot drift apart.
//
// Syntax: `--opt value` and `--opt=value`; `-h` or `--help` anywhere shows the help; `--` ends
// the options (everything after it is positional); a lone `-` is positional (standard input).
// A value is always the next argument, even when it starts with '-' (`--epochs -1` is refused
// as a value, not as an unknown option).
//
// Messages, each one line (the command prefixes "attnviz COMMAND: "):
//   unknown option --x (see attnviz compute --help)
//   --layer needs a value
//   --head: expected a non-negative integer, got 'x'
//   --steps: 100000000 is over the limit of 1000
//   --size: expected WxH such as 1600x1000, got 'big'
//   --palette: expected light or dark, got 'grey'
//   --panel: unknown panel 'nope' (known: window, model, head, heatmap, stats)
//   --out F.png is required
//   unexpected argument 'x' (see attnviz screenshot --help)
#pragma once

#include <QSize>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <functional>
#include <limits>
#include <optional>
#include <vector>

namespace attnviz::shell {

namespace detail {
template <class T>
struct IntegerOf {
    using type = T;
};
template <class T>
struct IntegerOf<std::optional<T>> {
    using type = T;
};
}  // namespace detail

// The values an integer option accepts, both ends included. `max` is the documented limit that
// keeps a size from the command line from reserving more memory than a machine has.
struct IntRange {
    long long min = 0;
    long long max = std::numeric_limits<long long>::max();
};

// The values a real-valued option accepts; each end may be open. Infinite ends are unbounded.
struct RealRange {
    double min = -std::numeric_limits<double>::infinity();
    double max = std::numeric_limits<double>::infinity();
    bool minOpen = false;
    bool maxOpen = false;
};

class OptionParser {
public:
    // What the help and the messages say about the command.
    struct Usage {
        QString command;      // "compute", "screenshot": error lines start "attnviz COMMAND: "
        QString invocation;   // "attnviz compute", "attnviz screenshot --seq2seq" (in "see … --help")
        QString synopsis;     // the usage line(s) after "Usage: "
        QString description;  // paragraphs between the usage and the options
        QString epilogue;     // after the options: limits, exit status
    };

    enum class Outcome { Run, Help, BadInput };
    struct Result {
        Outcome outcome = Outcome::Run;
        QString problem;          // BadInput: the one-line reason (without the command prefix)
        QStringList positionals;  // in order
        QStringList given;        // the options that were given, by name
        bool wasGiven(const QString& name) const { return given.contains(name); }
    };

    explicit OptionParser(Usage usage);

    // A switch without a value: sets *target to true.
    OptionParser& flag(const QString& name, bool* target, const QString& help);
    // Any text, e.g. a file or a sentence.
    OptionParser& text(const QString& name, const QString& metavar, QString* target, const QString& help);
    // One of `choices`, e.g. --palette light|dark. With a `noun` ("panel"), a wrong value reads
    // "--panel: unknown panel 'x' (known: window, model)"; without, "--palette: expected light
    // or dark, got 'x'".
    OptionParser& choice(const QString& name, const QString& metavar, const QStringList& choices,
                         QString* target, const QString& help, const QString& noun = {});
    // An integer in `range`; T is int, long long or std::optional of them (unset: not given).
    template <class T>
    OptionParser& integer(const QString& name, const QString& metavar, T* target, IntRange range,
                          const QString& help);
    // A finite number in `range`.
    OptionParser& real(const QString& name, const QString& metavar, double* target, RealRange range,
                       const QString& help);
    // WxH in pixels, each side within [min, max] (max is the documented limit).
    OptionParser& size(const QString& name, const QString& metavar, QSize* target, QSize min, QSize max,
                       const QString& help);
    // The option declared last must be given: "--out F.png is required".
    OptionParser& required();
    // The command takes no positional arguments: "unexpected argument 'x' (see … --help)".
    OptionParser& noPositionals();
    // Words starting with a single '-' are positionals, not unknown options (translate's
    // sentences may start with a dash).
    OptionParser& dashWordsArePositional();

    // Parses `args` (without "attnviz" and the command's name) into the declared targets.
    Result parse(const QStringList& args) const;
    // "Usage: …", the description, the options with their help lines, the epilogue.
    QString helpText() const;
    const Usage& usage() const { return usage_; }

private:
    struct Option {
        QString name, metavar, help;
        bool takesValue = true;
        bool required = false;
        // Checks `value` and stores it; empty on success, else the reason (with the name).
        std::function<QString(const QString& value)> set;
        QString missingHint;  // after "needs a value": the accepted values when they are few
    };
    OptionParser& add(Option option);
    static QString integerTo(const QString& name, const QString& value, IntRange range,
                             const std::function<void(long long)>& store);

    Usage usage_;
    std::vector<Option> options_;
    bool dashWordsArePositional_ = false;
    bool noPositionals_ = false;
};

template <class T>
OptionParser& OptionParser::integer(const QString& name, const QString& metavar, T* target, IntRange range,
                                    const QString& help)
{
    using Int = typename detail::IntegerOf<T>::type;  // the integer stored (T, or what it holds)
    range.max = std::min<long long>(range.max, std::numeric_limits<Int>::max());
    range.min = std::max<long long>(range.min, std::numeric_limits<Int>::min());
    Option o;
    o.name = name;
    o.metavar = metavar;
    o.help = help;
    o.set = [name, range, target](const QString& value) {
        return integerTo(name, value, range, [target](long long v) { *target = static_cast<Int>(v); });
    };
    return add(std::move(o));
}

}  // namespace attnviz::shell
