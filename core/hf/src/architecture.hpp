// SPDX-License-Identifier: GPL-3.0-or-later
// One model family's forward, split into steps so that a caller can stop, look or intervene
// between layers (issue 13: ablation, row overrides, logit lens): embed → layer 0 … L − 1 →
// finish → lm_head. Each family (arch_gpt2.cpp, arch_bert.cpp, arch_llama.cpp) names its
// tensors, checks their shapes against config.json when it is made, and assembles its layers
// from the kit's forward-only functions (nn/infer.hpp) over the mapped weights.
#pragma once

#include "attnviz/core/hf/interventions.hpp"
#include "attnviz/core/hf/model.hpp"
#include "attnviz/core/nn/infer.hpp"
#include "attnviz/core/nn/rotary.hpp"
#include "config.hpp"
#include "weights.hpp"

#include <memory>
#include <span>

namespace attnviz::hf {

using Mat = nn::Mat<float>;

// Generation's key/value cache (generate.cpp): each layer's keys and values of every position
// fed so far, reserved once for the generation's capacity. Keys are stored after the rotary
// embedding (Llama family), so a cached key is used as it is.
struct KvCache {
    struct Layer {
        Mat k, v;  // (capacity × H_kv·d) each; rows [0, length) hold positions 0 … length − 1
    };
    std::vector<Layer> layers;
    Eigen::Index capacity = 0;
};

// Everything one forward needs beyond the weights; one per run, so runs can go in parallel.
struct ForwardState {
    Eigen::Index n = 0;
    // With a cache: the tokens fed are at positions past … past + n − 1 (GPT-2's wpe rows, the
    // Llama family's rotary angles); each layer writes its keys and values into the cache at
    // those rows and its queries attend over rows 0 … past + n − 1. Without one, past is 0.
    Eigen::Index past = 0;
    KvCache* cache = nullptr;
    Mat hidden;              // (n × E) the residual stream after the steps run so far
    // (L × H × n × T), T = past + n: layer l's heads at l·H·n·T, head h's (n × T) block of
    // query rows over keys 0 … T − 1 (T = n without a cache: the full forward's stack).
    float* attentions = nullptr;
    Scratch scratch;         // converted float16 / bfloat16 weights, one matrix at a time
    const std::vector<HeadAblation>* ablations = nullptr;  // heads switched off (checked), or none
    const std::vector<AttentionOverride>* overrides = nullptr;  // rows replaced (checked), or none
    const HeadCapture* capture = nullptr;  // the head to capture (checked), or none
    CapturedHead* captured = nullptr;      // where capture_head() writes it
    // Per-layer temporaries, reused from layer to layer.
    Mat normed;              // (n × E)
    Mat qkv;                 // (n × 3E) GPT-2's fused projection
    Mat q, k, v;             // (n × H·d), (n × H_kv·d) ×2
    Mat context;             // (n × H·d)
    Mat projected;           // (n × E)
    Mat inner, up;           // (n × F) the MLP's inner activations
    // The rows of the last layer's output the caller reads: its last final_rows (0: all n).
    // A causal LM's next token needs only the last row, so after the last layer's attention
    // (every row: its weights are recorded) the output projection and the MLP run on those
    // rows alone; the other rows of `hidden` are then left holding that layer's input.
    Eigen::Index final_rows = 0;
    Mat tail_hidden, tail_context;  // (final_rows × E), (final_rows × H·d)
    nn::RotaryTable<float> rotary;  // (n × d/2) cos and sin of the positions (Llama family)
};

class Architecture {
public:
    virtual ~Architecture() = default;
    const ModelInfo& info() const { return info_; }
    ModelInfo& mutable_info() { return info_; }  // Model::open fills the folder and dtype

    // ids (n, checked) → s.hidden (n × E), the embeddings (and BERT's embedding LayerNorm), at
    // positions s.past … s.past + n − 1.
    virtual void embed(std::span<const int> ids, ForwardState& s) const = 0;
    // Layer l over s.hidden, in place; its attention weights into s.attentions + l·H·n·T
    // (T = s.past + s.n). With s.cache, its keys and values go into the cache's rows
    // [past, past + n) and the queries attend over the cache's rows [0, past + n); the
    // interventions (ablations, overrides, capture) apply to cache-less runs only.
    virtual void layer(int l, ForwardState& s) const = 0;
    // The width of one layer's cached keys (= values): H_kv · d. 0: the family cannot generate.
    virtual Eigen::Index kv_width() const { return 0; }
    // After the last layer: the final norm (GPT-2's ln_f, Llama's model.norm); BERT: none.
    virtual void finish(ForwardState& s) const = 0;
    // rows (m × E) of the finished hidden states → logits (m × V). Only with info().has_lm_head.
    virtual void lm_head(const Mat& rows, Mat& logits, Scratch& scratch) const = 0;

protected:
    ModelInfo info_;
};

std::unique_ptr<Architecture> make_gpt2(const Config& config, std::shared_ptr<const WeightStore> weights);
std::unique_ptr<Architecture> make_bert(const Config& config, std::shared_ptr<const WeightStore> weights);
// model_type "llama", "mistral" or "qwen2".
std::unique_ptr<Architecture> make_llama(const Config& config, std::shared_ptr<const WeightStore> weights);

// Shared pieces of the families.
// y = x Wᵀ + b over a mapped weight, converted into `scratch` first when it is not float32.
void project(const Mat& x, const TensorRef& w, const std::vector<float>& bias, Mat& y, Scratch& scratch,
             bool conv1d = false);
// logits (m × V) = rows (m × E) · Wᵀ + bias for a (V × E) table, converted a block of rows at a
// time when it is not float32 (a 50,000 × 768 float16 table is never converted whole).
void vocab_projection(const Mat& rows, const TensorRef& table, const std::vector<float>& bias, Mat& logits,
                      Scratch& scratch);
// A (d) vector tensor named `name`, converted (biases and norm weights are kilobytes).
std::vector<float> vector_of(const WeightStore& w, const std::string& name, std::int64_t d,
                             const std::string& meaning = {});
// How many rows layer l of `layers` carries past its attention: s.n, or the last s.final_rows
// for the last layer (see ForwardState::final_rows; with a cache, that layer's keys and values
// are already in it by then).
inline Eigen::Index rows_after_attention(int l, int layers, const ForwardState& s)
{
    const bool trim = l + 1 == layers && s.final_rows > 0 && s.final_rows < s.n;
    return trim ? s.final_rows : s.n;
}

// Grows m to rows × cols without keeping its values (no reallocation when the size is unchanged).
inline void shape(Mat& m, Eigen::Index rows, Eigen::Index cols)
{
    if (m.rows() != rows || m.cols() != cols) m.resize(rows, cols);
}

}  // namespace attnviz::hf
