// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace attnviz::gui {

// Creates the QApplication and the main window and runs the event loop.
int run_gui(int argc, char** argv);

}  // namespace attnviz::gui
