// SPDX-License-Identifier: GPL-3.0-or-later
#include "model_view/intervention_panels.hpp"

#include "model_view/model_window.hpp"

namespace attnviz::model_view {

void installAblationPanel(ModelWindow& window)
{
    (void)window;  // being built (issue 13)
}

}  // namespace attnviz::model_view
