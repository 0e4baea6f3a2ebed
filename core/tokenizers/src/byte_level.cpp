// SPDX-License-Identifier: GPL-3.0-or-later
#include "byte_level.hpp"

#include "attnviz/core/utf8.hpp"

#include <array>

namespace attnviz::tokenizers::byte_level {

namespace {

// OpenAI's bytes_to_unicode(): printable Latin-1 bytes stand for themselves, the other 68 bytes
// for U+0100 onwards in byte order.
struct Table {
    std::array<char32_t, 256> to_char{};
    std::array<int, 512> to_byte{};  // index: code point < 512; -1 when unmapped
    Table()
    {
        to_byte.fill(-1);
        int next = 256;
        for (int b = 0; b < 256; ++b) {
            const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            to_char[static_cast<std::size_t>(b)] = static_cast<char32_t>(printable ? b : next++);
            to_byte[to_char[static_cast<std::size_t>(b)]] = b;
        }
    }
};

const Table& table()
{
    static const Table t;
    return t;
}

}  // namespace

char32_t char_of_byte(unsigned char b)
{
    return table().to_char[b];
}

std::optional<unsigned char> byte_of_char(char32_t c)
{
    if (c >= 512 || table().to_byte[c] < 0) return std::nullopt;
    return static_cast<unsigned char>(table().to_byte[c]);
}

std::string token_bytes(std::string_view token)
{
    std::string out;
    for (std::size_t i = 0; i < token.size();) {
        char32_t c = 0;
        const std::size_t len = utf8::decode(token, i, c);
        if (len == 0) {
            out.push_back(token[i++]);
            continue;
        }
        if (const auto b = byte_of_char(c))
            out.push_back(static_cast<char>(*b));
        else
            out.append(token.substr(i, len));
        i += len;
    }
    return out;
}

}  // namespace attnviz::tokenizers::byte_level
