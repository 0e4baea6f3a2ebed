// SPDX-License-Identifier: GPL-3.0-or-later
#include "shell/command.hpp"

#include <cstdio>
#include <exception>
#include <new>
#include <optional>
#include <stdexcept>

namespace attnviz::shell {

namespace {

void print_error_line(const QString& command, std::string message)
{
    for (char& c : message)
        if (c == '\n' || c == '\r') c = ' ';
    std::fprintf(stderr, "attnviz %s: %s\n", command.toUtf8().constData(), message.c_str());
}

// The innermost MemoryDemand alive now, and the one that was alive when an exception left it
// (kept until finish() reports it).
const MemoryDemand* g_current = nullptr;
std::optional<std::string> g_failed;

}  // namespace

int report_bad_input(const QString& command, const std::string& message)
{
    print_error_line(command, message);
    return kExitBadInput;
}

int report_failure(const QString& command, const std::string& message)
{
    print_error_line(command, message);
    return kExitFailure;
}

std::string format_bytes(double bytes)
{
    char buf[48];
    if (bytes >= 1e12) std::snprintf(buf, sizeof buf, "%.1f TB", bytes / 1e12);
    else if (bytes >= 1e9) std::snprintf(buf, sizeof buf, "%.1f GB", bytes / 1e9);
    else if (bytes >= 1e6) std::snprintf(buf, sizeof buf, "%.0f MB", bytes / 1e6);
    else std::snprintf(buf, sizeof buf, "%.0f KB", bytes / 1e3);
    return buf;
}

MemoryDemand::MemoryDemand(std::string what, double bytes)
    : what_(std::move(what)), bytes_(bytes), uncaught_(std::uncaught_exceptions()), outer_(g_current)
{
    g_current = this;
}

MemoryDemand::~MemoryDemand()
{
    // Left by an exception: remember what was being built, for finish() (the innermost wins,
    // as it is destroyed first).
    if (std::uncaught_exceptions() > uncaught_ && !g_failed)
        g_failed = what_ + " (about " + format_bytes(bytes_) + ")";
    g_current = outer_;
}

int finish(const QString& command, const std::function<int()>& body)
{
    g_failed.reset();
    auto memory = [&](const char* fallback) {
        const std::string what = g_failed ? "not enough memory for " + *g_failed : std::string(fallback);
        return report_bad_input(command, what);
    };
    try {
        return body();
    } catch (const std::invalid_argument& e) {
        return report_bad_input(command, e.what());
    } catch (const std::bad_alloc&) {
        return memory("not enough memory for what the input asks");
    } catch (const std::length_error&) {
        return memory("the input asks for more memory than can be addressed");
    } catch (const std::exception& e) {
        return report_failure(command, e.what());
    } catch (...) {
        return report_failure(command, "unexpected error");
    }
}

int run_command(const OptionParser& parser, const QStringList& args,
                const std::function<int(const OptionParser::Result& parsed)>& body)
{
    const OptionParser::Result parsed = parser.parse(args);
    switch (parsed.outcome) {
    case OptionParser::Outcome::Help:
        std::fputs(parser.helpText().toUtf8().constData(), stdout);
        return kExitOk;
    case OptionParser::Outcome::BadInput:
        return report_bad_input(parser.usage().command, parsed.problem.toStdString());
    case OptionParser::Outcome::Run: break;
    }
    return finish(parser.usage().command, [&] { return body(parsed); });
}

}  // namespace attnviz::shell
