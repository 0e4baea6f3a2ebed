// SPDX-License-Identifier: GPL-3.0-or-later
#include "naive_attention.hpp"

#include <cmath>
#include <stdexcept>

using attnviz::Index;
using attnviz::Matrix;
using attnviz::Variant;

namespace naive {

namespace {

const Matrix& get(const attnviz::Parameters& p, const char* name)
{
    const Matrix* m = p.find(name);
    if (!m) throw std::logic_error(std::string("naive: missing ") + name);
    return *m;
}

double bias_at(const attnviz::Parameters& p, const char* name, Index i)
{
    const Matrix* m = p.find(name);
    return m ? (*m)(0, i) : 0.0;
}

// out_i = Σ_j W_ij x_j + b_i for one row x.
std::vector<double> apply_linear(const Matrix& W, const attnviz::Parameters& p, const char* b,
                                 const Matrix& x, Index row)
{
    std::vector<double> y(static_cast<std::size_t>(W.rows()));
    for (Index o = 0; o < W.rows(); ++o) {
        double s = bias_at(p, b, o);
        for (Index j = 0; j < W.cols(); ++j) s += W(o, j) * x(row, j);
        y[static_cast<std::size_t>(o)] = s;
    }
    return y;
}

// Softmax of one row of logits, skipping masked entries; all masked → zeros.
void softmax_row(const Matrix& scaled, const attnviz::BoolMatrix& masked, double T, Index i,
                 Matrix& weights)
{
    double mx = -INFINITY;
    for (Index j = 0; j < scaled.cols(); ++j)
        if (!masked(i, j) && scaled(i, j) / T > mx) mx = scaled(i, j) / T;
    double sum = 0;
    for (Index j = 0; j < scaled.cols(); ++j) {
        weights(i, j) = masked(i, j) ? 0.0 : std::exp(scaled(i, j) / T - mx);
        sum += weights(i, j);
    }
    for (Index j = 0; j < scaled.cols(); ++j) weights(i, j) = sum > 0 ? weights(i, j) / sum : 0.0;
}

Matrix weighted_sum(const Matrix& w, const Matrix& V)
{
    Matrix out = Matrix::Zero(w.rows(), V.cols());
    for (Index i = 0; i < w.rows(); ++i)
        for (Index c = 0; c < V.cols(); ++c)
            for (Index j = 0; j < w.cols(); ++j) out(i, c) += w(i, j) * V(j, c);
    return out;
}

}  // namespace

Result attention(Variant v, const Matrix& Q, const Matrix& K, const Matrix& V,
                 const attnviz::Parameters& p, const attnviz::BoolMatrix& masked, double T)
{
    const Index n_q = v == Variant::FeedForward ? 1 : Q.rows();
    const Index n_k = K.rows();
    Result r;
    r.scores = Matrix::Zero(n_q, n_k);
    Matrix scaled(n_q, n_k);
    Matrix values = V;

    if (v == Variant::MultiHead) {
        const Matrix& Wq = get(p, "W_q");
        const Index h = Wq.rows(), H = p.num_heads, dh = h / H;
        Matrix qp(n_q, h), kp(n_k, h), vp(n_k, h);
        for (Index i = 0; i < n_q; ++i) {
            auto y = apply_linear(Wq, p, "b_q", Q, i);
            for (Index c = 0; c < h; ++c) qp(i, c) = y[static_cast<std::size_t>(c)];
        }
        for (Index j = 0; j < n_k; ++j) {
            auto yk = apply_linear(get(p, "W_k"), p, "b_k", K, j);
            auto yv = apply_linear(get(p, "W_v"), p, "b_v", V, j);
            for (Index c = 0; c < h; ++c) {
                kp(j, c) = yk[static_cast<std::size_t>(c)];
                vp(j, c) = yv[static_cast<std::size_t>(c)];
            }
        }
        r.weights = Matrix::Zero(n_q, n_k);
        Matrix concat = Matrix::Zero(n_q, h);
        for (Index t = 0; t < H; ++t) {
            Matrix s(n_q, n_k), w(n_q, n_k);
            for (Index i = 0; i < n_q; ++i)
                for (Index j = 0; j < n_k; ++j) {
                    double dot = 0;
                    for (Index c = t * dh; c < (t + 1) * dh; ++c) dot += qp(i, c) * kp(j, c);
                    s(i, j) = dot / std::sqrt(double(dh));
                    r.scores(i, j) += dot / double(H);
                }
            for (Index i = 0; i < n_q; ++i) softmax_row(s, masked, T, i, w);
            r.weights += w / double(H);
            for (Index i = 0; i < n_q; ++i)
                for (Index c = t * dh; c < (t + 1) * dh; ++c)
                    for (Index j = 0; j < n_k; ++j) concat(i, c) += w(i, j) * vp(j, c);
        }
        if (const Matrix* Wo = p.find("W_o")) {
            r.output = Matrix(n_q, Wo->rows());
            for (Index i = 0; i < n_q; ++i) {
                auto y = apply_linear(*Wo, p, "b_o", concat, i);
                for (Index c = 0; c < Wo->rows(); ++c) r.output(i, c) = y[static_cast<std::size_t>(c)];
            }
        } else {
            r.output = concat;
        }
        for (Index i = 0; i < n_q; ++i) {
            bool all = true;
            for (Index j = 0; j < n_k; ++j) all = all && masked(i, j);
            if (all) r.output.row(i).setZero();
        }
        return r;
    }

    for (Index i = 0; i < n_q; ++i) {
        for (Index j = 0; j < n_k; ++j) {
            double s = 0;
            switch (v) {
            case Variant::Dot:
            case Variant::ScaledDot:
                for (Index c = 0; c < Q.cols(); ++c) s += Q(i, c) * K(j, c);
                break;
            case Variant::Additive: {
                const Matrix &Wq = get(p, "W_q"), &Wk = get(p, "W_k"), &wv = get(p, "w_v");
                for (Index t = 0; t < Wq.rows(); ++t) {
                    double a = bias_at(p, "b_q", t) + bias_at(p, "b_k", t);
                    for (Index c = 0; c < Q.cols(); ++c) a += Wq(t, c) * Q(i, c);
                    for (Index c = 0; c < K.cols(); ++c) a += Wk(t, c) * K(j, c);
                    s += wv(0, t) * std::tanh(a);
                }
                break;
            }
            case Variant::LuongGeneral: {
                const Matrix& Wa = get(p, "W_a");
                for (Index a = 0; a < Q.cols(); ++a)
                    for (Index b = 0; b < K.cols(); ++b) s += Q(i, a) * Wa(a, b) * K(j, b);
                break;
            }
            case Variant::DenseSynthesizer: {
                const Matrix &W1 = get(p, "W1"), &W2 = get(p, "W2");
                s = bias_at(p, "b2", j);
                for (Index m = 0; m < W1.rows(); ++m) {
                    double a = bias_at(p, "b1", m);
                    for (Index c = 0; c < Q.cols(); ++c) a += W1(m, c) * Q(i, c);
                    s += W2(j, m) * (a > 0 ? a : 0.0);
                }
                break;
            }
            case Variant::RandomSynthesizer:
                s = get(p, "R")(i, j);
                break;
            case Variant::FeedForward: {
                const Matrix& w = get(p, "w");
                double a = bias_at(p, "b", 0);
                for (Index c = 0; c < K.cols(); ++c) a += w(0, c) * K(j, c);
                s = std::tanh(a);
                break;
            }
            case Variant::MultiHead:
                break;
            }
            r.scores(i, j) = s;
            scaled(i, j) = v == Variant::ScaledDot ? s / std::sqrt(double(K.cols())) : s;
        }
    }
    r.weights = Matrix(n_q, n_k);
    for (Index i = 0; i < n_q; ++i) softmax_row(scaled, masked, T, i, r.weights);
    if (v == Variant::DenseSynthesizer && p.find("W_v")) {
        const Matrix& Wv = get(p, "W_v");
        values = Matrix::Zero(V.rows(), Wv.rows());
        for (Index j = 0; j < V.rows(); ++j)
            for (Index o = 0; o < Wv.rows(); ++o)
                for (Index c = 0; c < V.cols(); ++c) values(j, o) += Wv(o, c) * V(j, c);
    }
    r.output = weighted_sum(r.weights, values);
    return r;
}

}  // namespace naive
