// SPDX-License-Identifier: GPL-3.0-or-later
// Must NOT compile: compiled with attnviz::nn's include roots only, it reaches for a model header.
// The test `layering_nn_refuses_model_include` builds this file and passes only when the compiler
// cannot find the header, which proves that the layer kit cannot depend on a model.
#include "attnviz/core/seq2seq/model.hpp"

int layering_probe_nn() { return 0; }
