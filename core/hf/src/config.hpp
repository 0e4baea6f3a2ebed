// SPDX-License-Identifier: GPL-3.0-or-later
// config.json, read strictly (attnviz::json): each field an architecture needs is fetched with
// its type and range checked, so that sizes are known to be sane before any memory is reserved.
#pragma once

#include "attnviz/core/json.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace attnviz::hf {

// Upper bounds on sizes read from config.json (far above any released model; a value past them
// is a broken or hostile file, refused before anything is allocated).
inline constexpr int kMaxLayers = 1000;
inline constexpr int kMaxHeads = 4096;
inline constexpr int kMaxHidden = 1 << 17;
inline constexpr int kMaxVocab = 1 << 24;
inline constexpr int kMaxPositions = 1 << 24;

class Config {
public:
    // Throws std::invalid_argument naming the file on a read or parse error, or when the top
    // level is not an object.
    static Config load(const std::filesystem::path& config_json);
    static Config parse(std::string_view text, std::string file_label);

    const std::string& file() const { return file_; }
    const json::Value& root() const { return root_; }
    bool has(std::string_view key) const;  // present and not null

    // An integer in [lo, hi]; `fallback` when absent or null (throws when absent without one).
    int integer(std::string_view key, int lo, int hi, std::optional<int> fallback = std::nullopt) const;
    // A finite number, > 0 when `positive`.
    double number(std::string_view key, std::optional<double> fallback = std::nullopt, bool positive = true) const;
    std::string string(std::string_view key, std::optional<std::string> fallback = std::nullopt) const;
    bool boolean(std::string_view key, bool fallback) const;

private:
    const json::Value* get(std::string_view key) const;
    [[noreturn]] void fail(std::string_view key, const std::string& what) const;
    std::string file_;
    json::Value root_;
};

}  // namespace attnviz::hf
