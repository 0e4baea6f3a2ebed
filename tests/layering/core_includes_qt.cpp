// SPDX-License-Identifier: GPL-3.0-or-later
// Must NOT compile: compiled with the whole core's include roots (attnviz::core) and nothing else,
// it reaches for Qt. The test `layering_core_refuses_qt` passes only when the header is not found,
// which proves that no core target carries Qt's include paths.
#include <QString>

int layering_probe_core() { return 0; }
