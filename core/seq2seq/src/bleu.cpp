// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/seq2seq/bleu.hpp"

#include "attnviz/core/seq2seq/nmt_text.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

namespace attnviz::seq2seq {

double bleu(const TokenList& pred, const TokenList& label, int k)
{
    if (k < 1) throw std::invalid_argument("bleu: k must be ≥ 1, got " + std::to_string(k));
    const auto len_pred = static_cast<long>(pred.size()), len_label = static_cast<long>(label.size());
    if (len_pred == 0) return 0.0;
    double score = std::exp(std::min(0.0, 1.0 - static_cast<double>(len_label) / static_cast<double>(len_pred)));
    for (int n = 1; n <= k; ++n) {
        if (len_pred - n + 1 <= 0) return 0.0;
        std::map<TokenList, int> label_subs;
        for (long i = 0; i + n <= len_label; ++i) ++label_subs[TokenList(label.begin() + i, label.begin() + i + n)];
        long matches = 0;
        for (long i = 0; i + n <= len_pred; ++i) {
            auto it = label_subs.find(TokenList(pred.begin() + i, pred.begin() + i + n));
            if (it != label_subs.end() && it->second > 0) {
                ++matches;
                --it->second;
            }
        }
        score *= std::pow(static_cast<double>(matches) / static_cast<double>(len_pred - n + 1), std::pow(0.5, n));
    }
    return score;
}

double bleu(const std::string& pred, const std::string& label, int k)
{
    return bleu(split_on_spaces(pred), split_on_spaces(label), k);
}

double corpus_bleu(const std::vector<TokenList>& preds, const std::vector<TokenList>& labels, int k)
{
    if (preds.size() != labels.size())
        throw std::invalid_argument("corpus_bleu: " + std::to_string(preds.size()) + " predictions but " +
                                    std::to_string(labels.size()) + " references");
    if (preds.empty()) return 0.0;
    double sum = 0.0;
    for (std::size_t i = 0; i < preds.size(); ++i) sum += bleu(preds[i], labels[i], k);
    return sum / static_cast<double>(preds.size());
}

}  // namespace attnviz::seq2seq
