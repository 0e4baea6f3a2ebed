// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: arbitrary bytes opened as a .npy file.
#include "fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    attnviz::fuzz::open_as(data, size, attnviz::inspect::AttentionFormat::Npy);
    return 0;
}
