// SPDX-License-Identifier: GPL-3.0-or-later
// Shared by the attention-file tests: in-memory files and the fixtures' value formula.
#pragma once

#include "attnviz/core/inspect/load_attention.hpp"
#include "attnviz/core/io/mapped_file.hpp"

#include <QTest>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace attnviz::test {

// tests/data/make_attention_fixtures.py: value(layer, head, i, j) = 64·layer + 16·head + 4·i + j.
inline double fixture_value(Index l, Index h, Index i, Index j)
{
    return static_cast<double>(64 * l + 16 * h + 4 * i + j);
}

inline std::string fixture(const char* name)
{
    return std::string(ATTNVIZ_TEST_DATA_DIR) + "/attention/" + name;
}

inline std::vector<std::byte> to_bytes(std::string_view s)
{
    std::vector<std::byte> b(s.size());
    if (!s.empty()) std::memcpy(b.data(), s.data(), s.size());
    return b;
}

// Opens bytes as if they were a file called `name` (the name picks the format).
inline inspect::AttentionStack load_bytes(std::vector<std::byte> bytes, const std::string& name,
                                          const inspect::LoadOptions& options = {})
{
    return inspect::load_attention(std::make_shared<const io::MappedFile>(std::move(bytes), name),
                                   options);
}

// The message of the std::invalid_argument `f` throws; fails the test when it throws nothing.
template <typename F>
std::string message_of(F&& f)
{
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "(no exception)";
}

}  // namespace attnviz::test

// Every `part` must occur in the message; prints the message when one does not.
#define ATTNVIZ_EXPECT_MESSAGE(message, ...)                                                     \
    do {                                                                                         \
        const std::string attnviz_msg_ = (message);                                              \
        for (const char* part : {__VA_ARGS__})                                                   \
            QVERIFY2(attnviz_msg_.find(part) != std::string::npos,                               \
                     (std::string("missing \"") + part + "\" in: " + attnviz_msg_).c_str());     \
    } while (false)
