// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/seq2seq/dataset.hpp"

#include "attnviz/core/random.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace attnviz::seq2seq {

std::vector<int> truncate_pad(std::vector<int> line, int num_steps, int pad)
{
    line.resize(static_cast<std::size_t>(num_steps), pad);
    return line;
}

namespace {
void build_array(const std::vector<TokenList>& lines, const Vocab& vocab, int num_steps, std::vector<int>& array,
                 std::vector<int>& valid)
{
    const int pad = vocab.pad(), eos = vocab.eos();
    array.clear();
    valid.clear();
    array.reserve(lines.size() * static_cast<std::size_t>(num_steps));
    for (const auto& line : lines) {
        std::vector<int> ids = vocab.indices(line);
        ids.push_back(eos);
        ids = truncate_pad(std::move(ids), num_steps, pad);
        valid.push_back(static_cast<int>(std::count_if(ids.begin(), ids.end(), [&](int x) { return x != pad; })));
        array.insert(array.end(), ids.begin(), ids.end());
    }
}
}  // namespace

TranslationData encode_translation_data(SentencePairs pairs, const Vocab& src_vocab, const Vocab& tgt_vocab,
                                        int num_steps)
{
    if (num_steps < 1) throw std::invalid_argument("num_steps must be ≥ 1, got " + std::to_string(num_steps));
    if (pairs.source.size() != pairs.target.size())
        throw std::invalid_argument("sentence pairs: " + std::to_string(pairs.source.size()) + " sources but " +
                                    std::to_string(pairs.target.size()) + " targets");
    TranslationData d;
    d.src_vocab = src_vocab;
    d.tgt_vocab = tgt_vocab;
    d.num_steps = num_steps;
    build_array(pairs.source, src_vocab, num_steps, d.src, d.src_valid);
    build_array(pairs.target, tgt_vocab, num_steps, d.tgt, d.tgt_valid);
    d.pairs = std::move(pairs);
    return d;
}

TranslationData build_translation_data(SentencePairs pairs, int num_steps, int min_freq)
{
    if (pairs.size() == 0) throw std::invalid_argument("sentence pairs: none");
    const Vocab src = Vocab::build(pairs.source, min_freq);
    const Vocab tgt = Vocab::build(pairs.target, min_freq);
    return encode_translation_data(std::move(pairs), src, tgt, num_steps);
}

TranslationData load_nmt_file(const std::string& path, int num_examples, int num_steps, int min_freq)
{
    SentencePairs pairs = tokenize_nmt(preprocess_nmt(read_text_file(path)), num_examples);
    if (pairs.size() == 0) throw std::invalid_argument(path + ": no tab-separated sentence pairs");
    return build_translation_data(std::move(pairs), num_steps, min_freq);
}

std::pair<SentencePairs, SentencePairs> split_pairs(const SentencePairs& pairs, double held_out, std::uint64_t seed)
{
    if (!(held_out >= 0.0 && held_out < 1.0))
        throw std::invalid_argument("held-out fraction must be in [0, 1), got " + std::to_string(held_out));
    std::vector<std::size_t> order(pairs.size());
    std::iota(order.begin(), order.end(), 0);
    Rng rng(seed);
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    const auto n_test = static_cast<std::size_t>(held_out * static_cast<double>(pairs.size()));
    std::vector<std::size_t> test(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n_test));
    std::vector<std::size_t> train(order.begin() + static_cast<std::ptrdiff_t>(n_test), order.end());
    std::sort(test.begin(), test.end());
    std::sort(train.begin(), train.end());
    std::pair<SentencePairs, SentencePairs> out;
    for (auto i : train) {
        out.first.source.push_back(pairs.source[i]);
        out.first.target.push_back(pairs.target[i]);
    }
    for (auto i : test) {
        out.second.source.push_back(pairs.source[i]);
        out.second.target.push_back(pairs.target[i]);
    }
    return out;
}

}  // namespace attnviz::seq2seq
