// SPDX-License-Identifier: GPL-3.0-or-later
#include "model_view/intervention_panels.hpp"

#include "model_view/model_window.hpp"

#include <QString>

#include <stdexcept>

namespace attnviz::model_view {

void installLogitLensPanel(ModelWindow& window)
{
    (void)window;  // being built (issue 13)
}

QWidget* prepareLogitLensShot(ModelWindow& window, const QString& setup)
{
    (void)window;
    (void)setup;
    throw std::invalid_argument("this panel is being built (issue 13)");
}

}  // namespace attnviz::model_view
