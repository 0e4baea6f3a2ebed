// SPDX-License-Identifier: GPL-3.0-or-later
// `attnviz inspect FILE [--layer L] [--head H] [--batch B] [--stats] [--rollout] [--softmax]`:
// open an attention file and print its shape, tokens and the asked-for matrix or summary as JSON.
#include "cli/cli_output.hpp"
#include "cli/commands.hpp"
#include "shell/command.hpp"
#include "shell/input_files.hpp"

#include "attnviz/core/inspect/aggregate.hpp"
#include "attnviz/core/inspect/head_statistics.hpp"
#include "attnviz/core/inspect/load_attention.hpp"
#include "attnviz/core/json.hpp"

#include <charconv>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>

namespace attnviz::cli {

namespace {

shell::OptionParser::Usage usage()
{
    return {QStringLiteral("inspect"), QStringLiteral("attnviz inspect"),
            QStringLiteral("attnviz inspect FILE [--layer L] [--head H] [--batch B] [--stats | --rollout]\n"
                           "                            [--softmax] [--compact]"),
            QStringLiteral(
                "Opens an attention file (.npy, .safetensors or JSON; see docs/import-format.md) and prints\n"
                "one JSON object: file, format, dtype, file_shape, layers, heads, queries, keys, batch,\n"
                "tokens (and query_tokens for cross attention), rows_not_summing_to_one, and then\n"
                "  with --layer and/or --head   \"attention\": that head's n_q x n_k weights (a missing\n"
                "                               --layer means 0; --layer alone gives the mean over heads)\n"
                "  with --stats                 \"statistics\": entropy, mean_distance, first_token_share,\n"
                "                               previous_token_share and self_share per layer and head\n"
                "                               (only layer L / head H when given)\n"
                "  with --rollout               \"rollout\": attention rollout through all layers (or\n"
                "                               through layer L)\n"),
            QStringLiteral("Exit status: 0 on success; 2 when the file or the arguments are wrong, with one line on\n"
                           "standard error naming the file, the tensor and what was expected.\n")};
}

struct Request {
    std::string file;
    std::optional<Index> layer, head;
    Index batch = 0;
    bool stats = false, rollout = false, softmax = false, compact = false;
};

// The float's shortest decimal form, as a double: 0.1f prints as 0.1, not 0.10000000149011612,
// and still reads back to the same float.
double shortest(float f)
{
    char buf[32];
    const auto end = std::to_chars(buf, buf + sizeof buf, f).ptr;
    double d = 0;
    std::from_chars(buf, end, d);
    return d;
}

json::Value rows_of(const inspect::HeadMap& m)
{
    json::Array rows;
    rows.reserve(static_cast<std::size_t>(m.rows()));
    for (Index i = 0; i < m.rows(); ++i) {
        json::Array row;
        row.reserve(static_cast<std::size_t>(m.cols()));
        for (Index j = 0; j < m.cols(); ++j) row.emplace_back(shortest(m(i, j)));
        rows.emplace_back(std::move(row));
    }
    return rows;
}

json::Value rows_of(const Matrix& m)
{
    json::Array rows;
    for (Index i = 0; i < m.rows(); ++i) {
        json::Array row;
        for (Index j = 0; j < m.cols(); ++j) row.emplace_back(m(i, j));
        rows.emplace_back(std::move(row));
    }
    return rows;
}

json::Value strings(const std::vector<std::string>& v)
{
    json::Array a;
    for (const std::string& s : v) a.emplace_back(s);
    return a;
}

json::Value describe(const inspect::AttentionStack& s)
{
    json::Value out = json::Object{};
    out["file"] = s.file();
    out["format"] = s.format();
    out["dtype"] = std::string(io::dtype_name(s.dtype()));
    json::Array shape;
    for (std::int64_t d : s.file_shape()) shape.emplace_back(static_cast<long long>(d));
    out["file_shape"] = std::move(shape);
    out["layers"] = static_cast<long long>(s.layers());
    out["heads"] = static_cast<long long>(s.heads());
    out["queries"] = static_cast<long long>(s.query_count());
    out["keys"] = static_cast<long long>(s.key_count());
    out["batch"] = static_cast<long long>(s.batch());
    out["batch_count"] = static_cast<long long>(s.batch_count());
    out["softmax_applied"] = s.softmax_applied();
    out["has_tokens"] = s.has_tokens();
    out["tokens"] = strings(s.key_tokens());
    if (s.query_tokens() != s.key_tokens()) out["query_tokens"] = strings(s.query_tokens());

    const inspect::RowSumReport& r = s.row_sums();
    json::Value rows = json::Object{};
    rows["count"] = static_cast<unsigned long long>(r.rows_off);
    rows["of"] = static_cast<unsigned long long>(r.rows_checked);
    rows["tolerance"] = r.tolerance;
    json::Array examples;
    for (const inspect::RowSumIssue& e : r.examples) {
        json::Value x = json::Object{};
        x["layer"] = static_cast<long long>(e.layer);
        x["head"] = static_cast<long long>(e.head);
        x["row"] = static_cast<long long>(e.row);
        x["sum"] = e.sum;
        examples.push_back(std::move(x));
    }
    rows["examples"] = std::move(examples);
    out["rows_not_summing_to_one"] = std::move(rows);
    return out;
}

json::Value statistics(const inspect::AttentionStack& s, const Request& r)
{
    json::Array out;
    for (Index l = 0; l < s.layers(); ++l) {
        if (r.layer && *r.layer != l) continue;
        for (Index h = 0; h < s.heads(); ++h) {
            if (r.head && *r.head != h) continue;
            inspect::HeadStatistics st = inspect::head_statistics(s.head(l, h).matrix());
            json::Value x = json::Object{};
            x["layer"] = static_cast<long long>(l);
            x["head"] = static_cast<long long>(h);
            x["entropy"] = st.entropy;
            x["mean_distance"] = st.mean_distance;
            x["first_token_share"] = st.first_token_share;
            x["previous_token_share"] = st.previous_token_share;
            x["self_share"] = st.self_share;
            out.push_back(std::move(x));
        }
    }
    return out;
}

// Opens the file and prints what `r` asks for. Throws std::invalid_argument for a bad file or a
// layer or head out of range, before anything is written.
int inspect_file(const Request& r)
{
    inspect::LoadOptions options;
    options.batch = r.batch;
    options.softmax = r.softmax;
    const inspect::AttentionStack stack = inspect::load_attention(r.file, options);
    // Range errors are input errors too: checked before any output is written.
    if (r.layer && *r.layer >= stack.layers())
        throw std::invalid_argument(r.file + ": layer " + std::to_string(*r.layer) +
                                    " out of range (expected 0.." +
                                    std::to_string(stack.layers() - 1) + ")");
    if (r.head && *r.head >= stack.heads())
        throw std::invalid_argument(r.file + ": head " + std::to_string(*r.head) +
                                    " out of range (expected 0.." +
                                    std::to_string(stack.heads() - 1) + ")");

    // A matrix printed whole is a JSON value and then ~24 characters per number.
    const double cells = static_cast<double>(stack.query_count()) * static_cast<double>(stack.key_count());
    const shell::MemoryDemand demand(std::to_string(stack.query_count()) + "x" + std::to_string(stack.key_count()) +
                                         " matrix as JSON",
                                     cells * (sizeof(json::Value) + 24));
    json::Value out = describe(stack);
    if (r.stats) {
        out["statistics"] = statistics(stack, r);
    } else if (r.rollout) {
        const Index last = r.layer.value_or(stack.layers() - 1);
        out["rollout_through_layer"] = static_cast<long long>(last);
        out["rollout"] = rows_of(inspect::attention_rollout(stack, last));
    } else if (r.layer && !r.head) {
        out["layer"] = static_cast<long long>(*r.layer);
        out["aggregate"] = "mean_over_heads";
        out["attention"] = rows_of(inspect::mean_over_heads(stack, *r.layer));
    } else if (r.head) {
        const Index layer = r.layer.value_or(0);
        out["layer"] = static_cast<long long>(layer);
        out["head"] = static_cast<long long>(*r.head);
        out["attention"] = rows_of(stack.head(layer, *r.head).matrix());
    }
    if (!print_json(out, r.compact ? -1 : 2))
        return shell::report_failure(QStringLiteral("inspect"), "could not write to standard output");
    return shell::kExitOk;
}

}  // namespace

int run_inspect(const QStringList& args)
{
    Request r;
    shell::OptionParser parser(usage());
    parser.integer(QStringLiteral("--layer"), QStringLiteral("L"), &r.layer, {0},
                   QStringLiteral("the layer (default 0 with --head)"))
        .integer(QStringLiteral("--head"), QStringLiteral("H"), &r.head, {0}, QStringLiteral("the head"))
        .integer(QStringLiteral("--batch"), QStringLiteral("B"), &r.batch, {0},
                 QStringLiteral("the batch entry of a [layers, batch, heads, n_q, n_k] tensor (default 0)"))
        .flag(QStringLiteral("--stats"), &r.stats, QStringLiteral("per-head statistics"))
        .flag(QStringLiteral("--rollout"), &r.rollout, QStringLiteral("attention rollout"))
        .flag(QStringLiteral("--softmax"), &r.softmax,
              QStringLiteral("the file holds raw scores: apply a row-wise softmax first"))
        .flag(QStringLiteral("--compact"), &r.compact, QStringLiteral("print the result on one line (default: indented)"));

    return shell::run_command(parser, args, [&](const shell::OptionParser::Result& parsed) {
        const QStringList& files = parsed.positionals;
        if (files.isEmpty()) throw std::invalid_argument("no file given (see attnviz inspect --help)");
        if (files.size() > 1)
            throw std::invalid_argument("more than one file: " + files[0].toStdString() + " and " + files[1].toStdString());
        r.file = files[0].toStdString();
        if (r.stats && r.rollout) throw std::invalid_argument("choose one of --stats and --rollout");
        if (r.rollout && r.head) throw std::invalid_argument("--rollout averages the heads: --head does not apply");
        shell::require_regular_file(files[0]);
        return inspect_file(r);
    });
}

}  // namespace attnviz::cli
