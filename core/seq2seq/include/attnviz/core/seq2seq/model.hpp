// SPDX-License-Identifier: GPL-3.0-or-later
// d2l's EncoderDecoder(Seq2SeqEncoder, Seq2SeqAttentionDecoder) (v0.17, chapter "Bahdanau attention"):
//   encoder: Embedding(V_src, E) → GRU(E, H, L, dropout)
//   decoder, each step t: query = top layer's previous hidden state (B × H); keys = values =
//     encoder outputs; context = AdditiveAttention(query, keys, values, src_valid_len) (B × H);
//     GRU input = cat(context, Embedding(y_{t−1})) (B × (H + E), context FIRST as in d2l);
//     GRU(H + E, H, L, dropout) → Linear(H, V_tgt). Initial decoder state = encoder final state.
// Parameter names are those of the PyTorch model's state_dict().
#pragma once

#include "attnviz/core/random.hpp"
#include "attnviz/core/seq2seq/kit.hpp"

#include <memory>
#include <vector>

namespace attnviz::seq2seq {

struct ModelConfig {
    int src_vocab = 0;
    int tgt_vocab = 0;
    int embed = 32;
    int hidden = 32;
    int layers = 2;
    double dropout = 0.1;  // GRU inter-layer dropout and attention-weight dropout, as in d2l
};

// A batch of B sequence pairs padded to T steps, batch-major (row b, column t at b·T + t).
// The decoder input is <bos> followed by tgt[:, :-1] (teacher forcing, as train_seq2seq builds it).
struct BatchView {
    int B = 0;
    int T = 0;
    const int* src = nullptr;        // (B × T)
    const int* src_valid = nullptr;  // (B)
    const int* tgt = nullptr;        // (B × T)
    const int* tgt_valid = nullptr;  // (B)
    int bos = 2;
};

template <class S>
struct TrainWorkspace;  // model.cpp: every buffer of one forward/backward, reused across batches

template <class S>
class Seq2SeqModel {
public:
    explicit Seq2SeqModel(const ModelConfig& config);
    ~Seq2SeqModel();
    Seq2SeqModel(Seq2SeqModel&&) noexcept;
    Seq2SeqModel& operator=(Seq2SeqModel&&) noexcept;
    // Copies the parameters (and their gradients), not the training workspace: a snapshot that
    // another thread may decode with while this one trains. Not thread-safe itself: copy between
    // batches (e.g. from the trainer's epoch callback).
    Seq2SeqModel(const Seq2SeqModel& other);
    Seq2SeqModel& operator=(const Seq2SeqModel& other);

    const ModelConfig& config() const { return config_; }

    // PyTorch's default initialisation, then d2l's xavier_init_weights (Xavier-uniform on every
    // Linear weight and every GRU weight matrix); Embeddings N(0, 1), GRU biases and the dense bias
    // U(±1/√fan_in).
    void init_d2l(Rng& rng);

    // Forward and backward of d2l's objective Σ_b l_b (see masked_ce.hpp); gradients are
    // ACCUMULATED into the parameters' grad (zero them first). rng == nullptr: no dropout.
    // Returns Σ_b l_b (the numerator of d2l's reported loss). Decoder steps after the batch's
    // longest target and attention over keys after its longest source are skipped: both are
    // exactly zero-weighted in d2l's computation, so the result is the same.
    double loss_and_grad(const BatchView& batch, Rng* rng);
    // The same objective without gradients (rng: dropout as in training, for gradient checks).
    double loss(const BatchView& batch, Rng* rng = nullptr);

    ParamList<S> parameters();  // in state_dict order
    Param<S>* find(const std::string& name);

    Embedding<S> enc_embedding;
    GRU<S> encoder;
    AdditiveAttention<S> attention;
    Embedding<S> dec_embedding;
    std::vector<GRULayer<S>> decoder;  // layer 0 input (H + E): [context | embedding]
    Linear<S> dense;

private:
    double run(const BatchView& batch, Rng* rng, bool backward);
    ModelConfig config_;
    std::unique_ptr<TrainWorkspace<S>> ws_;
};

extern template class Seq2SeqModel<float>;
extern template class Seq2SeqModel<double>;

}  // namespace attnviz::seq2seq
