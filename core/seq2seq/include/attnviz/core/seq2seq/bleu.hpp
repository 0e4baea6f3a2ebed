// SPDX-License-Identifier: GPL-3.0-or-later
// BLEU as the d2l book defines it (chapter "Sequence to Sequence Learning"):
//   exp(min(0, 1 − len_label / len_pred)) · Π_{n=1..k} p_n^(1/2^n)
// p_n = clipped n-gram matches / (len_pred − n + 1). Tokens are the space-separated fields.
#pragma once

#include "attnviz/core/seq2seq/vocab.hpp"

#include <string>

namespace attnviz::seq2seq {

// d2l raises ZeroDivisionError when the prediction has fewer than k tokens; we return 0 then
// (there are no n-grams to match). An empty prediction string is one empty token, as in Python.
double bleu(const TokenList& pred, const TokenList& label, int k = 2);
double bleu(const std::string& pred, const std::string& label, int k = 2);

// Corpus BLEU for a held-out split: the mean of the sentence scores (0 for no pairs).
double corpus_bleu(const std::vector<TokenList>& preds, const std::vector<TokenList>& labels, int k = 2);

}  // namespace attnviz::seq2seq
