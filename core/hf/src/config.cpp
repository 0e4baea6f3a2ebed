// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.hpp"

#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace attnviz::hf {

Config Config::load(const std::filesystem::path& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::invalid_argument("cannot read " + path.string());
    std::ostringstream s;
    s << in.rdbuf();
    return parse(s.str(), path.string());
}

Config Config::parse(std::string_view text, std::string file_label)
{
    Config c;
    c.file_ = std::move(file_label);
    try {
        c.root_ = json::parse(text);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(c.file_ + ": " + e.what());
    }
    if (!c.root_.is_object())
        throw std::invalid_argument(c.file_ + ": expected a JSON object, got " +
                                    std::string(json::type_name(c.root_.type())));
    return c;
}

const json::Value* Config::get(std::string_view key) const
{
    const json::Value* v = root_.find(key);
    return v && !v->is_null() ? v : nullptr;
}

bool Config::has(std::string_view key) const { return get(key) != nullptr; }

void Config::fail(std::string_view key, const std::string& what) const
{
    throw std::invalid_argument(file_ + ": \"" + std::string(key) + "\" " + what);
}

int Config::integer(std::string_view key, int lo, int hi, std::optional<int> fallback) const
{
    const json::Value* v = get(key);
    if (!v) {
        if (fallback) return *fallback;
        fail(key, "is missing (expected an integer " + std::to_string(lo) + " … " + std::to_string(hi) + ")");
    }
    if (!v->is_number()) fail(key, std::string("is a ") + json::type_name(v->type()) + ", expected an integer");
    const double d = v->as_number();
    if (!(d >= lo && d <= hi) || d != std::floor(d)) {
        std::ostringstream s;
        s << "is " << d << ", expected an integer " << lo << " … " << hi;
        fail(key, s.str());
    }
    return static_cast<int>(d);
}

double Config::number(std::string_view key, std::optional<double> fallback, bool positive) const
{
    const json::Value* v = get(key);
    if (!v) {
        if (fallback) return *fallback;
        fail(key, "is missing (expected a number)");
    }
    if (!v->is_number()) fail(key, std::string("is a ") + json::type_name(v->type()) + ", expected a number");
    const double d = v->as_number();
    if (!std::isfinite(d) || (positive && !(d > 0.0))) {
        std::ostringstream s;
        s << "is " << d << ", expected a " << (positive ? "finite number > 0" : "finite number");
        fail(key, s.str());
    }
    return d;
}

std::string Config::string(std::string_view key, std::optional<std::string> fallback) const
{
    const json::Value* v = get(key);
    if (!v) {
        if (fallback) return *fallback;
        fail(key, "is missing (expected a string)");
    }
    if (!v->is_string()) fail(key, std::string("is a ") + json::type_name(v->type()) + ", expected a string");
    return v->as_string();
}

bool Config::boolean(std::string_view key, bool fallback) const
{
    const json::Value* v = get(key);
    if (!v) return fallback;
    if (!v->is_bool()) fail(key, std::string("is a ") + json::type_name(v->type()) + ", expected true or false");
    return v->as_bool();
}

}  // namespace attnviz::hf
