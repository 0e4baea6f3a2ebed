// SPDX-License-Identifier: GPL-3.0-or-later
// The model window's laboratory (issue 13): each panel is a dock of its own, in its own file,
// installed once by ModelWindow's constructor. A panel draws what the window's ModelRunner (or
// its own worker) sends and asks for runs through it; it computes nothing itself. Every change
// to the model's computation (a head switched off, an attention row rewritten) is one command
// on ModelWindow::interventionUndo().
#pragma once

namespace attnviz::model_view {

class ModelWindow;

void installGenerationPanel(ModelWindow& window);  // generation_panel.cpp: Step, Play, top K per step
void installAblationPanel(ModelWindow& window);    // ablation_panel.cpp: heads off, before/after
void installLogitLensPanel(ModelWindow& window);   // logit_lens_panel.cpp: layers × positions
void installOverridePanel(ModelWindow& window);    // override_panel.cpp: drag or type a row
void installHeadExport(ModelWindow& window);       // head_export_action.cpp: open a head in the playground

}  // namespace attnviz::model_view
