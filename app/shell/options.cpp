// SPDX-License-Identifier: GPL-3.0-or-later
#include "shell/options.hpp"

#include <QRegularExpression>
#include <QTextStream>

#include <climits>
#include <cmath>

namespace attnviz::shell {

namespace {

QString quoted(const QString& value) { return QLatin1Char('\'') + value + QLatin1Char('\''); }

// "light or dark", "one of window, model, head"
QString choiceList(const QStringList& choices)
{
    if (choices.size() == 2) return choices[0] + QStringLiteral(" or ") + choices[1];
    return QStringLiteral("one of ") + choices.join(QStringLiteral(", "));
}

// An integer range as the messages say it. An upper end at int's maximum or beyond means
// "no limit" (the parser clamps every range to the target's type).
QString describe(IntRange range)
{
    const bool bounded = range.max < INT_MAX;
    if (bounded)
        return QStringLiteral("an integer from %1 to %2").arg(range.min).arg(range.max);
    if (range.min == 0) return QStringLiteral("a non-negative integer");
    if (range.min == 1) return QStringLiteral("a positive integer");
    return QStringLiteral("an integer ≥ %1").arg(range.min);
}

QString describe(const RealRange& r)
{
    const bool lo = std::isfinite(r.min), hi = std::isfinite(r.max);
    if (lo && !hi && r.min == 0 && r.minOpen) return QStringLiteral("a positive number");
    if (lo && hi)
        return QStringLiteral("a number in %1%2, %3%4")
            .arg(r.minOpen ? '(' : '[')
            .arg(r.min)
            .arg(r.max)
            .arg(r.maxOpen ? ')' : ']');
    if (lo) return QStringLiteral("a number %1 %2").arg(r.minOpen ? ">" : "≥").arg(r.min);
    if (hi) return QStringLiteral("a number %1 %2").arg(r.maxOpen ? "<" : "≤").arg(r.max);
    return QStringLiteral("a number");
}

bool inRange(double v, const RealRange& r)
{
    const bool aboveMin = r.minOpen ? v > r.min : v >= r.min;
    const bool belowMax = r.maxOpen ? v < r.max : v <= r.max;
    return aboveMin && belowMax;
}

}  // namespace

OptionParser::OptionParser(Usage usage) : usage_(std::move(usage)) {}

OptionParser& OptionParser::add(Option option)
{
    options_.push_back(std::move(option));
    return *this;
}

OptionParser& OptionParser::flag(const QString& name, bool* target, const QString& help)
{
    Option o;
    o.name = name;
    o.help = help;
    o.takesValue = false;
    o.set = [target](const QString&) {
        *target = true;
        return QString();
    };
    return add(std::move(o));
}

OptionParser& OptionParser::text(const QString& name, const QString& metavar, QString* target, const QString& help)
{
    Option o;
    o.name = name;
    o.metavar = metavar;
    o.help = help;
    o.set = [target](const QString& value) {
        *target = value;
        return QString();
    };
    return add(std::move(o));
}

OptionParser& OptionParser::choice(const QString& name, const QString& metavar, const QStringList& choices,
                                   QString* target, const QString& help, const QString& noun)
{
    Option o;
    o.name = name;
    o.metavar = metavar;
    o.help = help;
    o.missingHint = choiceList(choices);
    o.set = [name, choices, noun, target](const QString& value) {
        if (!choices.contains(value) && !noun.isEmpty())
            return QStringLiteral("%1: unknown %2 %3 (known: %4)")
                .arg(name, noun, quoted(value), choices.join(QStringLiteral(", ")));
        if (!choices.contains(value))
            return name + QStringLiteral(": expected ") + choiceList(choices) + QStringLiteral(", got ") + quoted(value);
        *target = value;
        return QString();
    };
    return add(std::move(o));
}

QString OptionParser::integerTo(const QString& name, const QString& value, IntRange range,
                                const std::function<void(long long)>& store)
{
    bool ok = false;
    const long long v = value.toLongLong(&ok);
    // Digits too many for a long long are over any limit, not "not a number".
    static const QRegularExpression digits(QStringLiteral("^\\s*\\+?\\d+\\s*$"));
    const bool tooLarge = (ok && v > range.max) || (!ok && digits.match(value).hasMatch());
    if (tooLarge && range.max < INT_MAX)
        return name + QStringLiteral(": %1 is over the limit of %2").arg(value.trimmed()).arg(range.max);
    if (!ok || v < range.min || v > range.max)
        return name + QStringLiteral(": expected ") + describe(range) + QStringLiteral(", got ") + quoted(value);
    store(v);
    return {};
}

OptionParser& OptionParser::real(const QString& name, const QString& metavar, double* target, RealRange range,
                                 const QString& help)
{
    Option o;
    o.name = name;
    o.metavar = metavar;
    o.help = help;
    o.set = [name, range, target](const QString& value) {
        bool ok = false;
        const double v = value.toDouble(&ok);
        if (!ok || !std::isfinite(v) || !inRange(v, range))
            return name + QStringLiteral(": expected ") + describe(range) + QStringLiteral(", got ") + quoted(value);
        *target = v;
        return QString();
    };
    return add(std::move(o));
}

OptionParser& OptionParser::size(const QString& name, const QString& metavar, QSize* target, QSize min, QSize max,
                                 const QString& help)
{
    Option o;
    o.name = name;
    o.metavar = metavar;
    o.help = help;
    o.set = [name, min, max, target](const QString& value) {
        static const QRegularExpression wxh(QStringLiteral("^(\\d{1,9})x(\\d{1,9})$"));
        const auto m = wxh.match(value);
        if (!m.hasMatch())
            return name + QStringLiteral(": expected WxH such as 1600x1000, got ") + quoted(value);
        const QSize s(m.captured(1).toInt(), m.captured(2).toInt());
        if (s.width() > max.width() || s.height() > max.height())
            return name + QStringLiteral(": %1 is over the limit of %2x%3").arg(value).arg(max.width()).arg(max.height());
        if (s.width() < min.width() || s.height() < min.height())
            return name + QStringLiteral(": expected at least %1x%2, got ").arg(min.width()).arg(min.height()) +
                   quoted(value);
        *target = s;
        return QString();
    };
    return add(std::move(o));
}

OptionParser& OptionParser::required()
{
    if (!options_.empty()) options_.back().required = true;
    return *this;
}

OptionParser& OptionParser::noPositionals()
{
    noPositionals_ = true;
    return *this;
}

OptionParser& OptionParser::dashWordsArePositional()
{
    dashWordsArePositional_ = true;
    return *this;
}

OptionParser::Result OptionParser::parse(const QStringList& args) const
{
    Result r;
    bool help = false, optionsEnded = false;
    QString problem;  // the first one; --help anywhere still wins
    auto fail = [&](const QString& p) {
        if (problem.isEmpty()) problem = p;
    };
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString& a = args[i];
        if (optionsEnded) {
            r.positionals << a;
            continue;
        }
        if (a == QLatin1String("--")) {
            optionsEnded = true;
            continue;
        }
        if (a == QLatin1String("-h") || a == QLatin1String("--help")) {
            help = true;
            continue;
        }
        const bool looksLikeOption = a.startsWith(QLatin1String("--")) ||
                                     (a.startsWith(QLatin1Char('-')) && a.size() > 1 && !dashWordsArePositional_);
        if (!looksLikeOption) {
            r.positionals << a;
            continue;
        }
        const qsizetype eq = a.startsWith(QLatin1String("--")) ? a.indexOf(QLatin1Char('=')) : -1;
        const QString name = eq > 0 ? a.left(eq) : a;
        const auto it = std::find_if(options_.begin(), options_.end(), [&](const Option& o) { return o.name == name; });
        if (it == options_.end()) {
            fail(QStringLiteral("unknown option %1 (see %2 --help)").arg(name, usage_.invocation));
            continue;
        }
        QString value;
        if (!it->takesValue) {
            if (eq > 0) fail(name + QStringLiteral(" takes no value"));
        } else if (eq > 0) {
            value = a.mid(eq + 1);
        } else if (i + 1 < args.size()) {
            value = args[++i];
        }
        if (it->takesValue && value.isEmpty()) {
            fail(name + QStringLiteral(" needs a value") +
                 (it->missingHint.isEmpty() ? QString() : QStringLiteral(" (") + it->missingHint + QLatin1Char(')')));
            continue;
        }
        if (const QString p = it->set(value); !p.isEmpty()) fail(p);
        if (!r.given.contains(name)) r.given << name;
    }
    if (help) {
        r.outcome = Outcome::Help;
        return r;
    }
    if (noPositionals_ && !r.positionals.isEmpty())
        fail(QStringLiteral("unexpected argument %1 (see %2 --help)").arg(quoted(r.positionals[0]), usage_.invocation));
    for (const Option& o : options_)
        if (o.required && !r.given.contains(o.name)) fail(o.name + QLatin1Char(' ') + o.metavar + QStringLiteral(" is required"));
    if (!problem.isEmpty()) {
        r.outcome = Outcome::BadInput;
        r.problem = problem;
    }
    return r;
}

QString OptionParser::helpText() const
{
    auto label = [](const Option& o) { return o.metavar.isEmpty() ? o.name : o.name + QLatin1Char(' ') + o.metavar; };
    const QString helpLabel = QStringLiteral("-h, --help");
    qsizetype width = helpLabel.size();
    for (const Option& o : options_) width = std::max(width, label(o).size());
    const QString indent(2 + width + 2, QLatin1Char(' '));

    QString text;
    QTextStream out(&text);
    out << "Usage: " << usage_.synopsis << "\n";
    if (!usage_.description.isEmpty()) out << "\n" << usage_.description;
    out << "\nOptions:\n";
    auto row = [&](const QString& left, const QString& help) {
        const QStringList lines = help.split(QLatin1Char('\n'));
        out << "  " << left.leftJustified(width + 2) << lines.value(0) << "\n";
        for (qsizetype i = 1; i < lines.size(); ++i) out << indent << lines[i] << "\n";
    };
    for (const Option& o : options_) row(label(o), o.help);
    row(helpLabel, QStringLiteral("show this text"));
    if (!usage_.epilogue.isEmpty()) out << "\n" << usage_.epilogue;
    out.flush();
    return text;
}

}  // namespace attnviz::shell
