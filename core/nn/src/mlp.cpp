// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/nn/mlp.hpp"

#include <stdexcept>
#include <string>

namespace attnviz::nn {

namespace {

void check_sizes(Eigen::Index embed, Eigen::Index inner, const std::string& name)
{
    if (embed < 1 || inner < 1)
        throw std::invalid_argument(name + ": sizes must be ≥ 1, got embed " + std::to_string(embed) + ", inner " +
                                    std::to_string(inner));
}

template <class S>
ParamList<S> concat(std::initializer_list<ParamList<S>> lists)
{
    ParamList<S> all;
    for (const auto& l : lists) all.insert(all.end(), l.begin(), l.end());
    return all;
}

}  // namespace

// ---- Mlp ------------------------------------------------------------------------------------

template <class S>
Mlp<S>::Mlp(const std::string& fc_name, const std::string& proj_name, Eigen::Index E, Eigen::Index F,
            Activation a, bool bias)
    : fc((check_sizes(E, F, fc_name), fc_name), E, F, bias), proj(proj_name, F, E, bias), act(a)
{
}

template <class S>
void Mlp<S>::forward(const CRef<S>& x, MRef<S> y, MlpCache<S>& c) const
{
    const Eigen::Index n = x.rows();
    c.x = x;
    c.h.resize(n, inner());
    c.a.resize(n, inner());
    fc.forward(x, c.h);                    // (n × F)
    activation_forward<S>(act, c.h, c.a);  // (n × F)
    proj.forward(c.a, y);                  // (n × E)
}

template <class S>
void Mlp<S>::backward(const CRef<S>& dy, MRef<S> dx, MlpCache<S>& c)
{
    const Eigen::Index n = c.x.rows();
    c.dh.resize(n, inner());
    proj.backward_params(c.a, dy);
    proj.backward_input(dy, c.dh);                       // ∂/∂a (n × F)
    activation_backward<S>(act, c.h, c.dh, c.dh);         // ∂/∂h
    fc.backward_params(c.x, c.dh);
    fc.backward_input(c.dh, dx);                         // (n × E)
}

template <class S>
ParamList<S> Mlp<S>::parameters()
{
    return concat<S>({fc.parameters(), proj.parameters()});
}

// ---- GatedMlp -------------------------------------------------------------------------------

template <class S>
GatedMlp<S>::GatedMlp(const std::string& gate_name, const std::string& up_name, const std::string& down_name,
                      Eigen::Index E, Eigen::Index F, Activation a, bool bias)
    : gate((check_sizes(E, F, gate_name), gate_name), E, F, bias), up(up_name, E, F, bias),
      down(down_name, F, E, bias), act(a)
{
}

template <class S>
void GatedMlp<S>::forward(const CRef<S>& x, MRef<S> y, MlpCache<S>& c) const
{
    const Eigen::Index n = x.rows(), F = inner();
    c.x = x;
    c.h.resize(n, F);
    c.u.resize(n, F);
    c.a.resize(n, F);
    gate.forward(x, c.h);                  // (n × F)
    up.forward(x, c.u);                    // (n × F)
    activation_forward<S>(act, c.h, c.a);  // act(gate x)
    c.a.array() *= c.u.array();            // ⊙ up x
    down.forward(c.a, y);                  // (n × E)
}

template <class S>
void GatedMlp<S>::backward(const CRef<S>& dy, MRef<S> dx, MlpCache<S>& c)
{
    const Eigen::Index n = c.x.rows(), F = inner();
    c.dh.resize(n, F);
    c.du.resize(n, F);
    down.backward_params(c.a, dy);
    down.backward_input(dy, c.du);  // ∂/∂a (n × F), a = act(h) ⊙ u
    // ∂/∂u = ∂a ⊙ act(h); ∂/∂act(h) = ∂a ⊙ u. act(h) is recomputed rather than kept (one more
    // (n × F) matrix per layer otherwise).
    activation_forward<S>(act, c.h, c.dh);   // act(h)
    c.dh.array() *= c.du.array();            // ∂/∂u = ∂a ⊙ act(h), for now in dh
    c.du.array() *= c.u.array();             // ∂/∂act(h) = ∂a ⊙ u, for now in du
    c.dh.swap(c.du);                         // dh = ∂/∂act(h), du = ∂/∂u
    activation_backward<S>(act, c.h, c.dh, c.dh);  // ∂/∂h
    gate.backward_params(c.x, c.dh);
    up.backward_params(c.x, c.du);
    gate.backward_input(c.dh, dx);           // (n × E)
    c.dx_up.resize(n, embed());
    up.backward_input(c.du, c.dx_up);
    dx += c.dx_up;
}

template <class S>
ParamList<S> GatedMlp<S>::parameters()
{
    return concat<S>({gate.parameters(), up.parameters(), down.parameters()});
}

template class Mlp<float>;
template class Mlp<double>;
template class GatedMlp<float>;
template class GatedMlp<double>;

}  // namespace attnviz::nn
