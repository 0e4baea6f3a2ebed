// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/seq2seq/whatif.hpp"

#include "attnviz/core/utf8.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace attnviz::seq2seq {

namespace {

constexpr std::string_view kSpaceToken = "\xE2\x96\x81";  // U+2581 LOWER ONE EIGHTH BLOCK

double usable(double x) { return std::isfinite(x) && x > 0.0 ? x : 0.0; }

}  // namespace

std::vector<double> renormalise_row(const std::vector<double>& row)
{
    std::vector<double> out(row.size());
    double sum = 0.0;
    for (std::size_t i = 0; i < row.size(); ++i) sum += out[i] = usable(row[i]);
    if (!(sum > 0.0) || !std::isfinite(sum)) {
        std::fill(out.begin(), out.end(), row.empty() ? 0.0 : 1.0 / static_cast<double>(row.size()));
        return out;
    }
    for (double& x : out) x /= sum;
    return out;
}

std::vector<double> set_row_weight(const std::vector<double>& row, int index, double value)
{
    if (index < 0 || static_cast<std::size_t>(index) >= row.size())
        throw std::out_of_range("attention row: no entry " + std::to_string(index) + " in a row of " +
                                std::to_string(row.size()));
    const double v = std::isfinite(value) ? std::clamp(value, 0.0, 1.0) : 0.0;
    std::vector<double> out(row.size());
    double others = 0.0;
    for (std::size_t i = 0; i < row.size(); ++i)
        if (static_cast<int>(i) != index) others += usable(row[i]);
    const std::size_t n_others = row.size() - 1;
    for (std::size_t i = 0; i < row.size(); ++i) {
        if (static_cast<int>(i) == index) out[i] = v;
        else if (others > 0.0) out[i] = (1.0 - v) * usable(row[i]) / others;
        else out[i] = (1.0 - v) / static_cast<double>(n_others);
    }
    // A single entry, or every other entry 0 with v < 1: the edited one takes what is left.
    if (n_others == 0) out[static_cast<std::size_t>(index)] = 1.0;
    return out;
}

std::string spell_characters(std::string_view text)
{
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        char32_t cp = 0;
        std::size_t len = utf8::decode(text, i, cp);
        if (len == 0) len = 1;  // an invalid byte: its own token
        if (!out.empty()) out += ' ';
        if (text[i] == ' ') out += kSpaceToken;
        else out.append(text.substr(i, len));
        i += len;
    }
    return out;
}

std::string join_characters(const TokenList& tokens)
{
    std::string out;
    for (const auto& t : tokens) out += t == kSpaceToken ? std::string(" ") : t;
    return out;
}

}  // namespace attnviz::seq2seq
