// SPDX-License-Identifier: GPL-3.0-or-later
// Shared by the test_nn_* tests: random matrices and the central finite-difference check every
// backward pass of the layer kit is held to.
#pragma once

#include "attnviz/core/nn/init.hpp"
#include "attnviz/core/nn/types.hpp"
#include "attnviz/core/random.hpp"

#include <QtGlobal>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

namespace nn_test {

using M = attnviz::nn::Mat<double>;
using Index = Eigen::Index;

inline M random_matrix(Index rows, Index cols, attnviz::Rng& rng, double scale = 1.0)
{
    M m(rows, cols);
    attnviz::nn::uniform_fill(m, rng, scale);
    return m;
}

// Compares analytic[k] with the central difference (f(x + ε) − f(x − ε)) / 2ε, ε = 1e-6, for
// every entry of x (or `limit` evenly spread ones). In double, the difference's truncation error
// is O(ε² f''') ≈ 1e-12 and its rounding error ≈ 1e-16 |f| / ε ≈ 1e-10 for the O(1) losses used
// here; an analytic gradient passes within 1e-7 + 1e-5 |numeric|, far above both and far below
// any real mistake (a missing term, a wrong sign, a transposed block).
inline bool check_gradient(M& x, const M& analytic, const std::function<double()>& f, const std::string& what,
                           int limit = 400)
{
    if (analytic.rows() != x.rows() || analytic.cols() != x.cols()) {
        qWarning("%s: gradient is %lldx%lld, parameter %lldx%lld", what.c_str(), (long long)analytic.rows(),
                 (long long)analytic.cols(), (long long)x.rows(), (long long)x.cols());
        return false;
    }
    const double eps = 1e-6;
    const Index stride = std::max<Index>(1, x.size() / limit);
    for (Index k = 0; k < x.size(); k += stride) {
        double& v = x.data()[k];
        const double saved = v;
        v = saved + eps;
        const double up = f();
        v = saved - eps;
        const double down = f();
        v = saved;
        const double numeric = (up - down) / (2 * eps);
        const double a = analytic.data()[k];
        if (!(std::abs(a - numeric) <= 1e-7 + 1e-5 * std::abs(numeric))) {
            qWarning("%s[%lld]: analytic %.12g, numeric %.12g", what.c_str(), static_cast<long long>(k), a, numeric);
            return false;
        }
    }
    f();  // leave the caches as the unperturbed forward made them
    return true;
}

// Σ y ⊙ g: a scalar loss whose gradient with respect to y is g.
inline double dot(const M& y, const M& g) { return (y.array() * g.array()).sum(); }

}  // namespace nn_test

// Checks that an expression throws std::invalid_argument whose message holds every fragment.
#define NN_EXPECT_REFUSAL(expr, ...)                                                                 \
    do {                                                                                             \
        std::string nn_msg_;                                                                         \
        try {                                                                                        \
            expr;                                                                                    \
        } catch (const std::invalid_argument& e) {                                                   \
            nn_msg_ = e.what();                                                                      \
        }                                                                                            \
        QVERIFY2(!nn_msg_.empty(), "expected std::invalid_argument from " #expr);                   \
        for (const char* part : {__VA_ARGS__})                                                       \
            QVERIFY2(nn_msg_.find(part) != std::string::npos,                                        \
                     (std::string("missing \"") + part + "\" in: " + nn_msg_).c_str());             \
    } while (false)
