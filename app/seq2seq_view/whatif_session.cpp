// SPDX-License-Identifier: GPL-3.0-or-later
#include "seq2seq_view/whatif_session.hpp"

#include "attnviz/core/seq2seq/whatif.hpp"

#include <stdexcept>

namespace attnviz::seq2seq_view {

void WhatIfSession::start(Seq2SeqModelPtr model, std::string input, seq2seq::Translation original)
{
    model_ = std::move(model);
    input_ = std::move(input);
    original_ = std::move(original);
    edited_ = {};
    override_.reset();
}

const seq2seq::Translation& WhatIfSession::editWeight(int step, int index, double value)
{
    const auto& steps = current().steps;
    if (step < 0 || static_cast<std::size_t>(step) >= steps.size())
        throw std::out_of_range("what-if: no step " + std::to_string(step));
    return setRow(step, seq2seq::set_row_weight(steps[static_cast<std::size_t>(step)].attention, index, value));
}

const seq2seq::Translation& WhatIfSession::setRow(int step, const std::vector<double>& row)
{
    if (!model_) throw std::logic_error("what-if: no translation");
    if (step < 0 || static_cast<std::size_t>(step) >= current().steps.size())
        throw std::out_of_range("what-if: no step " + std::to_string(step));
    override_ = seq2seq::AttentionOverride{step, seq2seq::renormalise_row(row)};
    return decode();
}

void WhatIfSession::reset()
{
    override_.reset();
    edited_ = {};
}

const seq2seq::Translation& WhatIfSession::decode()
{
    // Greedy, whatever decoder made the original: the override is defined for greedy decoding.
    edited_ = seq2seq::translate_greedy(model_->model, model_->src_vocab, model_->tgt_vocab, input_, model_->num_steps,
                                        override_);
    return edited_;
}

}  // namespace attnviz::seq2seq_view
