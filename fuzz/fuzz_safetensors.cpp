// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: arbitrary bytes opened as a .safetensors file.
#include "fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    attnviz::fuzz::open_as(data, size, attnviz::inspect::AttentionFormat::Safetensors);
    return 0;
}
