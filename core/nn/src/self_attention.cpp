// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/nn/self_attention.hpp"

#include "attnviz/core/nn/softmax.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace attnviz::nn {

namespace {

std::string str(long long v) { return std::to_string(v); }

// The config with its defaults resolved (kv_heads, head_dim, scale), or a refusal naming sizes.
SelfAttentionConfig resolved(SelfAttentionConfig c, const std::string& prefix)
{
    const std::string who = "self-attention " + prefix + ": ";
    if (c.embed < 1 || c.heads < 1)
        throw std::invalid_argument(who + "embed and heads must be ≥ 1, got embed " + str(c.embed) + ", heads " +
                                    str(c.heads));
    if (c.kv_heads == 0) c.kv_heads = c.heads;
    if (c.kv_heads < 1 || c.heads % c.kv_heads != 0)
        throw std::invalid_argument(who + "kv_heads " + str(c.kv_heads) + " does not divide heads " + str(c.heads));
    if (c.head_dim == 0) {
        if (c.embed % c.heads != 0)
            throw std::invalid_argument(who + "embed " + str(c.embed) + " is not divisible by heads " + str(c.heads) +
                                        " (give head_dim)");
        c.head_dim = c.embed / c.heads;
    }
    if (c.head_dim < 1) throw std::invalid_argument(who + "head_dim must be ≥ 1, got " + str(c.head_dim));
    if (c.scale == 0.0) c.scale = 1.0 / std::sqrt(static_cast<double>(c.head_dim));
    if (!(c.scale > 0.0) || !std::isfinite(c.scale))
        throw std::invalid_argument(who + "scale must be a finite number > 0, got " + std::to_string(c.scale));
    return c;
}

template <class S>
void append(ParamList<S>& all, const ParamList<S>& some)
{
    all.insert(all.end(), some.begin(), some.end());
}

}  // namespace

template <class S>
SelfAttention<S>::SelfAttention(const std::string& prefix, const SelfAttentionConfig& config,
                                const SelfAttentionNames& names)
    : o_proj(prefix + "." + names.out, resolved(config, prefix).heads * resolved(config, prefix).head_dim,
             config.embed, config.out_bias),
      cfg_(resolved(config, prefix))
{
    const Eigen::Index E = cfg_.embed, d = cfg_.head_dim, qd = cfg_.heads * d, kd = cfg_.kv_heads * d;
    if (cfg_.fused_qkv) {
        qkv.emplace(prefix + "." + names.qkv, E, qd + 2 * kd, cfg_.qkv_bias);
    } else {
        q_proj.emplace(prefix + "." + names.q, E, qd, cfg_.qkv_bias);
        k_proj.emplace(prefix + "." + names.k, E, kd, cfg_.qkv_bias);
        v_proj.emplace(prefix + "." + names.v, E, kd, cfg_.qkv_bias);
    }
    if (cfg_.rotary) rope_.emplace(d, cfg_.rope_theta, cfg_.rotary_dim);
}

template <class S>
void SelfAttention<S>::project(const CRef<S>& x, SelfAttentionCache<S>& c) const
{
    const Eigen::Index rows = x.rows(), d = cfg_.head_dim, qd = cfg_.heads * d, kd = cfg_.kv_heads * d;
    if (qkv) {
        c.qkv.resize(rows, qd + 2 * kd);
        qkv->forward(x, c.qkv);  // (B·n × (H + 2 H_kv)·d), columns q | k | v
        c.q = c.qkv.leftCols(qd);
        c.k = c.qkv.middleCols(qd, kd);
        c.v = c.qkv.rightCols(kd);
    } else {
        c.q.resize(rows, qd);
        c.k.resize(rows, kd);
        c.v.resize(rows, kd);
        q_proj->forward(x, c.q);
        k_proj->forward(x, c.k);
        v_proj->forward(x, c.v);
    }
}

template <class S>
void SelfAttention<S>::forward(const CRef<S>& x, Eigen::Index B, Eigen::Index n, MRef<S> y,
                               SelfAttentionCache<S>& c, const int* positions, const Mat<S>* key_mask,
                               const AttentionHooks* hooks) const
{
    const int H = cfg_.heads, Hkv = cfg_.kv_heads, group = H / Hkv;
    const Eigen::Index d = cfg_.head_dim;
    const std::string& name = o_proj.weight.name;
    if (B < 1 || n < 1)
        throw std::invalid_argument(name + ": batch and sequence length must be ≥ 1, got " + str(B) + " × " + str(n));
    require_dims(x.rows(), x.cols(), B * n, cfg_.embed, name, " input");
    require_dims(y.rows(), y.cols(), B * n, cfg_.embed, name, " output");
    if (key_mask) {
        require_dims(key_mask->rows(), key_mask->cols(), B, n, name, " key mask");
        for (Eigen::Index i = 0; i < key_mask->size(); ++i) {
            const S m = key_mask->data()[i];
            if (std::isnan(m) || m == std::numeric_limits<S>::infinity())
                throw std::invalid_argument(name + " key mask: entries must be finite or −inf");
        }
    }
    c.B = B;
    c.n = n;
    c.H = H;
    c.gate.assign(static_cast<std::size_t>(H), S(1));
    c.replaced.assign(static_cast<std::size_t>(B * H * n), 0);
    if (hooks && !hooks->head_gate.empty()) {
        if (hooks->head_gate.size() != static_cast<std::size_t>(H))
            throw std::invalid_argument(name + ": expected " + str(H) + " head gates, got " +
                                        str(static_cast<long long>(hooks->head_gate.size())));
        for (int h = 0; h < H; ++h) {
            if (!std::isfinite(hooks->head_gate[h]))
                throw std::invalid_argument(name + ": head gate " + str(h) + " is not finite");
            c.gate[h] = static_cast<S>(hooks->head_gate[h]);
        }
    }
    if (hooks)
        for (const auto& o : hooks->overrides) {
            if (o.sequence < 0 || o.sequence >= B || o.head < 0 || o.head >= H || o.query < 0 || o.query >= n ||
                o.weights.size() != static_cast<std::size_t>(n))
                throw std::invalid_argument(name + ": row override (sequence " + str(o.sequence) + ", head " +
                                            str(o.head) + ", query " + str(o.query) + ", " +
                                            str(static_cast<long long>(o.weights.size())) + " weights) does not fit " +
                                            str(B) + " sequences × " + str(H) + " heads × " + str(n) + " tokens");
            for (double w : o.weights)
                if (!std::isfinite(w)) throw std::invalid_argument(name + ": row override weights must be finite");
        }

    c.x = x;
    project(x, c);
    if (rope_) {
        std::vector<int> counting;
        if (!positions) {
            counting.resize(static_cast<std::size_t>(n));
            for (Eigen::Index i = 0; i < n; ++i) counting[i] = static_cast<int>(i);
            positions = counting.data();
        }
        rope_->table(positions, n, c.rope);
        for (Eigen::Index b = 0; b < B; ++b) {
            rope_->apply(c.q.middleRows(b * n, n), H, c.rope);
            rope_->apply(c.k.middleRows(b * n, n), Hkv, c.rope);
        }
    }

    c.weights.resize(B * H * n, n);
    c.context.resize(B * n, H * d);
    c.heads.resize(B * n, H * d);
    const S scale = static_cast<S>(cfg_.scale), neg_inf = -std::numeric_limits<S>::infinity();
    for (Eigen::Index b = 0; b < B; ++b)
        for (int h = 0; h < H; ++h) {
            const int g = h / group;  // HF repeat_kv: query head h reads kv head h / (H / H_kv)
            const auto Qh = c.q.block(b * n, h * d, n, d);  // (n × d)
            const auto Kg = c.k.block(b * n, g * d, n, d);  // (n × d)
            const auto Vg = c.v.block(b * n, g * d, n, d);  // (n × d)
            auto A = c.weights.middleRows((b * H + h) * n, n);  // (n × n) scores, then weights
            A.noalias() = Qh * Kg.transpose();
            A *= scale;
            if (cfg_.causal)
                for (Eigen::Index i = 0; i + 1 < n; ++i) A.row(i).tail(n - 1 - i).setConstant(neg_inf);
            if (key_mask) A.rowwise() += key_mask->row(b);
            softmax_rows(A, A);
            if (hooks)
                for (const auto& o : hooks->overrides)
                    if (o.sequence == b && o.head == h) {
                        for (Eigen::Index j = 0; j < n; ++j) A(o.query, j) = static_cast<S>(o.weights[j]);
                        c.replaced[(b * H + h) * n + o.query] = 1;
                    }
            auto O = c.context.block(b * n, h * d, n, d);  // (n × d)
            O.noalias() = A * Vg;
            c.heads.block(b * n, h * d, n, d) = O * c.gate[h];
        }
    o_proj.forward(c.heads, y);  // (B·n × E)
}

template <class S>
void SelfAttention<S>::backward(const CRef<S>& dy, MRef<S> dx, SelfAttentionCache<S>& c)
{
    const int H = cfg_.heads, Hkv = cfg_.kv_heads, group = H / Hkv;
    const Eigen::Index d = cfg_.head_dim, B = c.B, n = c.n, rows = B * n;
    const std::string& name = o_proj.weight.name;
    require_dims(dy.rows(), dy.cols(), rows, cfg_.embed, name, " output gradient");
    require_dims(dx.rows(), dx.cols(), rows, cfg_.embed, name, " input gradient");

    c.dheads.resize(rows, H * d);
    o_proj.backward_params(c.heads, dy);
    o_proj.backward_input(dy, c.dheads);  // (B·n × H·d) ∂/∂(gate_h o_h)
    c.dq.setZero(rows, H * d);
    c.dk.setZero(rows, Hkv * d);
    c.dv.setZero(rows, Hkv * d);
    c.gate_grad.assign(static_cast<std::size_t>(H), 0.0);
    c.dA.resize(n, n);
    c.dproj.resize(n, d);
    const S scale = static_cast<S>(cfg_.scale);
    for (Eigen::Index b = 0; b < B; ++b)
        for (int h = 0; h < H; ++h) {
            const int g = h / group;
            const auto Qh = c.q.block(b * n, h * d, n, d);
            const auto Kg = c.k.block(b * n, g * d, n, d);
            const auto Vg = c.v.block(b * n, g * d, n, d);
            const auto A = c.weights.middleRows((b * H + h) * n, n);  // (n × n)
            const auto dHead = c.dheads.block(b * n, h * d, n, d);   // (n × d)
            c.gate_grad[h] += static_cast<double>((dHead.array() * c.context.block(b * n, h * d, n, d).array()).sum());
            auto& dO = c.dproj;  // (n × d) ∂/∂o_h
            dO = dHead * c.gate[h];
            c.dA.noalias() = dO * Vg.transpose();                       // (n × n) ∂/∂A
            c.dv.block(b * n, g * d, n, d).noalias() += A.transpose() * dO;
            softmax_rows_backward(A, c.dA, c.dA);                       // ∂/∂(scaled scores)
            for (Eigen::Index i = 0; i < n; ++i)
                if (c.replaced[(b * H + h) * n + i]) c.dA.row(i).setZero();
            c.dA *= scale;                                              // ∂/∂(q kᵀ)
            c.dq.block(b * n, h * d, n, d).noalias() = c.dA * Kg;
            c.dk.block(b * n, g * d, n, d).noalias() += c.dA.transpose() * Qh;
        }
    if (rope_)
        for (Eigen::Index b = 0; b < B; ++b) {
            rope_->apply_backward(c.dq.middleRows(b * n, n), H, c.rope);
            rope_->apply_backward(c.dk.middleRows(b * n, n), Hkv, c.rope);
        }
    if (qkv) {
        const Eigen::Index qd = H * d, kd = Hkv * d;
        c.dqkv.resize(rows, qd + 2 * kd);
        c.dqkv.leftCols(qd) = c.dq;
        c.dqkv.middleCols(qd, kd) = c.dk;
        c.dqkv.rightCols(kd) = c.dv;
        qkv->backward_params(c.x, c.dqkv);
        qkv->backward_input(c.dqkv, dx);
    } else {
        q_proj->backward_params(c.x, c.dq);
        k_proj->backward_params(c.x, c.dk);
        v_proj->backward_params(c.x, c.dv);
        q_proj->backward_input(c.dq, dx);
        dx.noalias() += c.dk * k_proj->weight.value;  // (B·n × H_kv·d)(H_kv·d × E)
        dx.noalias() += c.dv * v_proj->weight.value;
    }
}

template <class S>
ParamList<S> SelfAttention<S>::parameters()
{
    ParamList<S> all;
    if (qkv) {
        append(all, qkv->parameters());
    } else {
        append(all, q_proj->parameters());
        append(all, k_proj->parameters());
        append(all, v_proj->parameters());
    }
    append(all, o_proj.parameters());
    return all;
}

template class SelfAttention<float>;
template class SelfAttention<double>;

}  // namespace attnviz::nn
