// SPDX-License-Identifier: GPL-3.0-or-later
// Generation with a key/value cache (generate.hpp): the prompt runs through the full forward
// (every layer's keys and values kept in the cache as it goes), then each step feeds one token
// at position `length` through the layers, its queries attending over the cache.
#include "attnviz/core/hf/generate.hpp"

#include "architecture.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>

namespace attnviz::hf {

namespace {

using Clock = std::chrono::steady_clock;

// What a generation may keep: the cache is reserved whole at once, and every token's attention
// rows are kept (L·H·n(n+1)/2 floats after n tokens), both checked against these before any
// memory is reserved (run() refuses attentions past 8 GiB the same way).
constexpr double kMaxCacheBytes = 4.0 * 1024 * 1024 * 1024;
constexpr double kMaxAttentionBytes = 8.0 * 1024 * 1024 * 1024;

double cache_bytes(const ModelInfo& info, Eigen::Index kv_width, double capacity)
{
    return 2.0 * 4.0 * info.layers * static_cast<double>(kv_width) * capacity;
}
double attention_bytes(const ModelInfo& info, double capacity)
{
    return 4.0 * info.layers * info.heads * capacity * (capacity + 1.0) / 2.0;
}

// The longest capacity whose cache and attention rows fit the limits (at least 1).
int largest_fitting_capacity(const ModelInfo& info, Eigen::Index kv_width)
{
    const double by_cache = kMaxCacheBytes / (2.0 * 4.0 * info.layers * static_cast<double>(kv_width));
    const double by_attention = std::sqrt(2.0 * kMaxAttentionBytes / (4.0 * info.layers * info.heads));
    return static_cast<int>(std::max(1.0, std::floor(std::min(by_cache, by_attention))));
}

// One row of logits summarised without allocating: the largest logit, Σ exp(logit − largest)
// (the exponentials vectorised in float, each ≤ 1, summed in double: probabilities to ~1e-7
// relative) and the top K, largest first, ties to the lower id (as top_tokens orders them).
struct Distribution {
    float largest = 0.0f;
    double sum = 1.0;
    float probability(float logit) const
    {
        return static_cast<float>(std::exp(static_cast<double>(logit) - largest) / sum);
    }
};

Distribution summarize(const std::vector<float>& logits, int k, std::vector<TopToken>& top)
{
    const Eigen::Map<const Eigen::ArrayXf> l(logits.data(), static_cast<Eigen::Index>(logits.size()));
    Distribution d;
    d.largest = l.maxCoeff();
    d.sum = (l - d.largest).exp().cast<double>().sum();
    // The top K by insertion into a list kept sorted (K is small; one pass over V).
    thread_local std::vector<int> ids;
    ids.clear();
    const auto K = static_cast<std::size_t>(std::min<std::size_t>(static_cast<std::size_t>(k), logits.size()));
    for (std::size_t j = 0; j < logits.size(); ++j) {
        const float x = logits[j];
        if (ids.size() == K && !(x > logits[static_cast<std::size_t>(ids.back())])) continue;
        if (ids.size() == K) ids.pop_back();
        auto at = ids.end();
        while (at != ids.begin() && !(logits[static_cast<std::size_t>(*(at - 1))] >= x)) --at;
        ids.insert(at, static_cast<int>(j));
    }
    top.clear();
    for (int id : ids) top.push_back({id, d.probability(logits[static_cast<std::size_t>(id)])});
    return d;
}

}  // namespace

struct Generation::State {
    std::shared_ptr<const Model> model;
    const Architecture* arch = nullptr;
    SamplingOptions sampling;
    SamplerState rng;
    int report_top = 5;
    int capacity = 0;
    RunResult prompt;
    std::vector<int> ids;                  // (length) prompt then generated ids
    std::vector<GeneratedToken> generated;
    std::vector<float> logits;             // (V) the distribution after the last token
    std::vector<TopToken> next;            // its top K
    Distribution distribution;             // its maximum and normaliser
    KvCache cache;                         // every layer's keys and values, (capacity × H_kv·d)
    ForwardState step_state;               // a step's temporaries, reused from step to step
    Mat step_logits;                       // (1 × V)
    double decode_seconds = 0.0;
};

Generation::Generation(std::shared_ptr<const Model> model, std::span<const int> prompt, const SamplingOptions& sampling,
                       int report_top, int capacity)
    : state_(std::make_unique<State>())
{
    if (!model) throw std::invalid_argument("generation needs a model (none was given)");
    const ModelInfo& info = model->info();
    const Architecture& arch = model->architecture();
    const Eigen::Index kv_width = arch.kv_width();
    if (!info.causal || !info.has_lm_head || kv_width <= 0)
        throw std::invalid_argument("generation needs a causal language model with its LM head; this " +
                                    info.architecture + " checkpoint (model_type '" + info.model_type + "') is " +
                                    (info.causal ? "without an LM head" : "a masked (bidirectional) model"));
    check_sampling(sampling);
    if (report_top < 1)
        throw std::invalid_argument("generation: report_top " + std::to_string(report_top) + " must be at least 1");
    if (capacity < 0 || capacity > info.max_positions)
        throw std::invalid_argument("generation capacity " + std::to_string(capacity) + " is outside 1 … " +
                                    std::to_string(info.max_positions) + " (this " + info.architecture +
                                    " model's maximum number of positions; 0 for that maximum)");
    const int fitting = largest_fitting_capacity(info, kv_width);
    if (capacity == 0) capacity = std::min(info.max_positions, fitting);
    if (cache_bytes(info, kv_width, capacity) > kMaxCacheBytes ||
        attention_bytes(info, capacity) > kMaxAttentionBytes)
        throw std::invalid_argument("generation capacity " + std::to_string(capacity) +
                                    " needs a key/value cache over 4 GiB or attentions over 8 GiB for this model (" +
                                    std::to_string(info.layers) + " layers × " + std::to_string(info.heads) +
                                    " heads); at most " + std::to_string(fitting) + " positions");
    const auto n = static_cast<Eigen::Index>(prompt.size());
    if (n == 0) throw std::invalid_argument("no tokens to run");
    if (n > capacity)
        throw std::invalid_argument("the prompt has " + std::to_string(n) + " tokens; this generation holds at most " +
                                    std::to_string(capacity) + " positions (its capacity; the " + info.architecture +
                                    " model takes at most " + std::to_string(info.max_positions) + ")");
    for (Eigen::Index i = 0; i < n; ++i)
        if (prompt[i] < 0 || prompt[i] >= info.vocab)
            throw std::invalid_argument("token id " + std::to_string(prompt[i]) + " at position " + std::to_string(i) +
                                        " is outside the vocabulary (0 … " + std::to_string(info.vocab - 1) + ")");

    State& g = *state_;
    g.model = std::move(model);
    g.arch = &arch;
    g.sampling = sampling;
    g.rng = seed_sampler(sampling.seed);
    g.report_top = report_top;
    g.capacity = capacity;
    g.cache.capacity = capacity;
    g.cache.layers.resize(static_cast<std::size_t>(info.layers));
    for (KvCache::Layer& c : g.cache.layers) {
        c.k.resize(capacity, kv_width);
        c.v.resize(capacity, kv_width);
    }
    g.ids.assign(prompt.begin(), prompt.end());
    g.ids.reserve(static_cast<std::size_t>(capacity));
    g.generated.reserve(static_cast<std::size_t>(capacity - n));

    // The prompt: the full forward (as Model::run without options), filling the cache.
    const auto start = Clock::now();
    RunResult& r = g.prompt;
    r.ids = g.ids;
    r.layers = info.layers;
    r.heads = info.heads;
    r.n = static_cast<int>(n);
    auto attentions = std::make_shared<std::vector<float>>(static_cast<std::size_t>(info.layers) * info.heads * n * n);
    ForwardState s;
    s.n = n;
    s.cache = &g.cache;
    s.attentions = attentions->data();
    s.final_rows = 1;  // the next token reads the last row only
    arch.embed(prompt, s);
    for (int l = 0; l < info.layers; ++l) arch.layer(l, s);
    arch.finish(s);
    const Mat last = s.hidden.bottomRows(1);  // (1 × E)
    arch.lm_head(last, g.step_logits, s.scratch);
    g.logits.assign(g.step_logits.data(), g.step_logits.data() + g.step_logits.size());
    g.distribution = summarize(g.logits, report_top, g.next);
    r.attentions = std::move(attentions);
    r.next = g.next;
    r.forward_seconds = std::chrono::duration<double>(Clock::now() - start).count();
}

Generation::~Generation() = default;

const RunResult& Generation::prompt_result() const { return state_->prompt; }

const GeneratedToken& Generation::step(const std::atomic<bool>* cancel)
{
    State& g = *state_;
    const ModelInfo& info = g.arch->info();
    const auto position = static_cast<Eigen::Index>(g.ids.size());
    if (position >= g.capacity)
        throw std::invalid_argument("the generation reached the limit of " + std::to_string(g.capacity) +
                                    " positions (its capacity)");
    const auto start = Clock::now();
    const SamplerState before = g.rng;  // restored when cancelled
    const int id = sample_token(g.logits, g.sampling, g.rng);

    GeneratedToken t;
    t.id = id;
    t.position = static_cast<int>(position);
    t.probability = g.distribution.probability(g.logits[static_cast<std::size_t>(id)]);
    t.top = g.next;
    t.attention.resize(static_cast<std::size_t>(info.layers) * info.heads * (position + 1));

    // One token at `position`: its keys and values go into the cache's row `position` (which
    // nothing reads until length passes it, so a cancelled step leaves nothing behind).
    ForwardState& s = g.step_state;
    s.n = 1;
    s.past = position;
    s.cache = &g.cache;
    s.attentions = t.attention.data();  // (L × H × 1 × (position + 1))
    const int fed[1] = {id};
    g.arch->embed(fed, s);
    for (int l = 0; l < info.layers; ++l) {
        if (cancel && cancel->load(std::memory_order_relaxed)) {
            g.rng = before;
            throw Cancelled();
        }
        g.arch->layer(l, s);
    }
    g.arch->finish(s);
    g.arch->lm_head(s.hidden, g.step_logits, s.scratch);  // (1 × V)

    std::copy_n(g.step_logits.data(), g.logits.size(), g.logits.begin());
    g.distribution = summarize(g.logits, g.report_top, g.next);
    g.ids.push_back(id);
    t.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    g.decode_seconds += t.seconds;
    g.generated.push_back(std::move(t));
    return g.generated.back();
}

int Generation::length() const { return static_cast<int>(state_->ids.size()); }
int Generation::capacity() const { return state_->capacity; }
std::span<const int> Generation::ids() const { return state_->ids; }
const std::vector<GeneratedToken>& Generation::generated() const { return state_->generated; }
const std::vector<TopToken>& Generation::next() const { return state_->next; }

std::shared_ptr<const std::vector<float>> Generation::attentions() const
{
    const State& g = *state_;
    const std::size_t L = static_cast<std::size_t>(g.prompt.layers), H = static_cast<std::size_t>(g.prompt.heads);
    const std::size_t p = static_cast<std::size_t>(g.prompt.n), n = g.ids.size();
    auto out = std::make_shared<std::vector<float>>(L * H * n * n, 0.0f);
    const float* prompt = g.prompt.attentions->data();
    for (std::size_t lh = 0; lh < L * H; ++lh) {
        float* block = out->data() + lh * n * n;  // (n × n) of layer l, head h
        for (std::size_t i = 0; i < p; ++i) std::copy_n(prompt + lh * p * p + i * p, p, block + i * n);
        for (std::size_t t = 0; t < g.generated.size(); ++t) {
            const std::size_t i = p + t;  // the query row; its row holds i + 1 weights per head
            std::copy_n(g.generated[t].attention.data() + lh * (i + 1), i + 1, block + i * n);
        }
    }
    return out;
}

RunResult Generation::as_result() const
{
    const State& g = *state_;
    RunResult r;
    r.ids = g.ids;
    r.layers = g.prompt.layers;
    r.heads = g.prompt.heads;
    r.n = static_cast<int>(g.ids.size());
    r.attentions = attentions();
    r.next = g.next;
    r.forward_seconds = g.prompt.forward_seconds + g.decode_seconds;
    return r;
}

double Generation::decode_seconds() const { return state_->decode_seconds; }

double Generation::tokens_per_second() const
{
    const State& g = *state_;
    return g.decode_seconds > 0.0 ? static_cast<double>(g.generated.size()) / g.decode_seconds : 0.0;
}

}  // namespace attnviz::hf
