// SPDX-License-Identifier: GPL-3.0-or-later
// tokenizer.json (the Hugging Face tokenizers format) into a pipeline, and the settings of
// tokenizer_config.json that change what encode() gives.
#include "decoders.hpp"
#include "impl.hpp"
#include "json_node.hpp"
#include "models.hpp"
#include "normalizers.hpp"
#include "post_processors.hpp"
#include "pre_tokenizers.hpp"

#include <stdexcept>

namespace attnviz::tokenizers {

namespace {

json::Value parse_named(std::string_view text, const std::string& source)
{
    try {
        return json::parse(text);
    } catch (const json::ParseError& e) {
        throw std::invalid_argument(source + ": not valid JSON: " + e.what());
    }
}

AddedToken added_from_json(const Node& n)
{
    AddedToken t;
    t.id = static_cast<int>(n.at("id").integer(0, 1 << 30));
    t.content = n.at("content").str();
    t.single_word = n.bool_or("single_word", false);
    t.lstrip = n.bool_or("lstrip", false);
    t.rstrip = n.bool_or("rstrip", false);
    t.normalized = n.bool_or("normalized", !n.bool_or("special", false));
    t.special = n.bool_or("special", false);
    return t;
}

// tokenizer_config.json writes a token as "<s>" or as {"content": "<s>", ...}.
std::optional<std::string> config_token(const json::Value& config, std::string_view key)
{
    const json::Value* v = config.find(key);
    if (!v) return std::nullopt;
    if (v->is_string()) return v->as_string();
    if (v->is_object())
        if (const json::Value* c = v->find("content"); c && c->is_string()) return c->as_string();
    return std::nullopt;
}

}  // namespace

std::unique_ptr<Tokenizer::Impl> impl_from_json(std::string_view text, const std::string& source)
{
    const json::Value root = parse_named(text, source);
    const Node top(root, "", source);
    if (!root.is_object()) top.fail(std::string("expected a JSON object, got ") + json::type_name(root.type()));
    auto impl = std::make_unique<Tokenizer::Impl>();
    if (auto n = top.get("normalizer")) impl->normalizer = make_normalizer(*n);
    PreTokenizerFacts facts;
    if (auto p = top.get("pre_tokenizer")) impl->pre_tokenizer = make_pre_tokenizer(*p, facts);
    if (auto d = top.get("decoder")) {
        impl->decoder = make_decoder(*d);
        if (d->get("type") && d->type() == "ByteLevel") facts.byte_level = true;
    }
    impl->byte_level = facts.byte_level;
    impl->model = make_model(top.at("model"), ModelFacts{facts.byte_level});
    if (auto p = top.get("post_processor")) impl->post_processor = make_post_processor(*p);
    if (auto a = top.get("added_tokens")) {
        for (std::size_t i = 0; i < a->size(); ++i) impl->added.push_back(added_from_json(a->item(i)));
    }
    if (auto t = top.get("truncation"))
        if (auto m = t->get("max_length")) impl->max_length = static_cast<std::size_t>(m->integer(0, 1LL << 40));
    impl->finish(source);
    return impl;
}

void apply_tokenizer_config(Tokenizer::Impl& impl, const json::Value& config, const std::string& source)
{
    (void)source;
    if (const json::Value* m = config.find("model_max_length"); m && m->is_number()) {
        // transformers writes 1e30 for "no limit".
        if (m->as_number() >= 1 && m->as_number() < 1e12) impl.max_length = static_cast<std::size_t>(m->as_number());
    }
    if (const auto mask = config_token(config, "mask_token")) {
        impl.mask_token = mask;
        if (const auto it = impl.added_ids.find(*mask); it != impl.added_ids.end())
            impl.mask_id = it->second;
        else if (const auto id = impl.model->vocab().find(*mask))
            impl.mask_id = id;
    }
    // Llama-style configs ask for <s> (and </s>) around the text; a tokenizer.json with its own
    // post-processor already says so.
    if (impl.post_processor) return;
    auto flag = [&](std::string_view key) {
        const json::Value* v = config.find(key);
        return v && v->is_bool() && v->as_bool();
    };
    SpecialList before, after;
    auto resolve = [&](std::string_view key, SpecialList& into) {
        const auto token = config_token(config, key);
        if (!token) return;
        std::optional<int> id;
        if (const auto it = impl.added_ids.find(*token); it != impl.added_ids.end()) id = it->second;
        else id = impl.model->vocab().find(*token);
        if (id) into.emplace_back(*id, *token);
    };
    if (flag("add_bos_token")) resolve("bos_token", before);
    if (flag("add_eos_token")) resolve("eos_token", after);
    if (!before.empty() || !after.empty()) impl.post_processor = make_wrap_processor(std::move(before), std::move(after));
}

}  // namespace attnviz::tokenizers
