// SPDX-License-Identifier: GPL-3.0-or-later
// The model window's laboratory (issue 13): each panel is a dock of its own, in its own file,
// installed once by ModelWindow's constructor. A panel draws what the window's ModelRunner (or
// its own worker) sends and asks for runs through it; it computes nothing itself. Every change
// to the model's computation (a head switched off, an attention row rewritten) is one command
// on ModelWindow::interventionUndo().
#pragma once

class QString;
class QWidget;

namespace attnviz::model_view {

class ModelWindow;

void installGenerationPanel(ModelWindow& window);  // generation_panel.cpp: Step, Play, top K per step
void installAblationPanel(ModelWindow& window);    // ablation_panel.cpp: heads off, before/after
void installLogitLensPanel(ModelWindow& window);   // logit_lens_panel.cpp: layers × positions
void installOverridePanel(ModelWindow& window);    // override_panel.cpp: drag or type a row
void installHeadExport(ModelWindow& window);       // head_export_action.cpp: open a head in the playground

// Screenshots: `attnviz screenshot --model DIR (--text T | --ids …) --panel NAME [--setup S]`
// has run the input in `window` (a plain run, shown); each function then puts its panel in a
// state worth showing, waits until that state is drawn (runs finished), and returns the widget
// to render (its dock). `setup` is the panel's own small syntax, documented in its file and in
// the screenshot's --help (e.g. generation "steps=8", ablation "1.0,1.1"); empty means a
// sensible default. Throws std::invalid_argument with one line for a bad setup.
QWidget* prepareGenerationShot(ModelWindow& window, const QString& setup);  // --panel generation
QWidget* prepareAblationShot(ModelWindow& window, const QString& setup);    // --panel ablation
QWidget* prepareLogitLensShot(ModelWindow& window, const QString& setup);   // --panel logit-lens
QWidget* prepareOverrideShot(ModelWindow& window, const QString& setup);    // --panel override

}  // namespace attnviz::model_view
