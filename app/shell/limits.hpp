// SPDX-License-Identifier: GPL-3.0-or-later
// The limits of the command line: every size that comes from an option or is read whole is
// checked against one of these before memory is taken for it. Each --help and the README's
// command table state them; a value over a limit is refused with exit status 2 and a message
// naming the limit ("--steps: 100000000 is over the limit of 1000").
#pragma once

#include "attnviz/core/seq2seq/model_io.hpp"

namespace attnviz::shell {

// compute FILE | -: a session's JSON. The largest preset is 2 kB; 64 MB holds a session of
// about 3 million numbers, more than the playground can show.
inline constexpr long long kMaxSessionBytes = 64'000'000;

// translate --steps and screenshot --seq2seq --step: the decoder's output length and source
// padding. The encoder keeps a few hidden-size vectors per step, a decoded step its attention
// row; the d2l models use 10 (dates 32). The same limit as a model file's own num_steps, which
// load_model refuses past it, so an option can never ask for more than a model may hold.
inline constexpr int kMaxDecoderSteps = seq2seq::kMaxModelSteps;

// train: what the data and one batch take, each bounded to about 1 GB (measured with
// `train --epochs 0|1 --quiet`, peak RSS):
// - --data FILE is read whole (then cleaned and tokenised: a few copies): at most 256 MB; the
//   whole Tatoeba English-French file is 4 MB.
inline constexpr long long kMaxTrainFileBytes = 256'000'000;
// - --examples: the pairs are kept as token strings, ~1 KB each with dates' character tokens
//   (500,000 dates pairs: 1.2 GB).
inline constexpr int kMaxTrainExamples = 500'000;
// - examples x steps, the padded, encoded data: ~9 bytes a token (100,000 x 1000: 0.9 GB).
inline constexpr long long kMaxTrainTokens = 100'000'000;
// - batch x steps, one batch's activations and gradients: ~4 KB a token (2000 x 100: 0.86 GB).
inline constexpr int kMaxBatchTokens = 250'000;

// screenshot --size WxH, each side. Measured: the playground drawn at 8192 x 8192 peaks at
// 1.0 GB (about 16 bytes a pixel: the backing store, the heatmaps' images, the grab, the PNG)
// and takes 8 s; 30000 x 30000 would need 14 GB. The smallest side is 10 pixels.
inline constexpr int kMaxScreenshotSide = 8192;
inline constexpr int kMinScreenshotSide = 10;

}  // namespace attnviz::shell
