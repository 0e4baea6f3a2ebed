// SPDX-License-Identifier: GPL-3.0-or-later
#include "decoders.hpp"

#include "byte_level.hpp"
#include "regex.hpp"

#include "attnviz/core/utf8.hpp"

#include <stdexcept>

namespace attnviz::tokenizers {

namespace {

const std::vector<std::string> kSupported = {"ByteLevel", "Metaspace", "Replace", "ByteFallback", "Fuse",
                                             "Strip",     "WordPiece", "BPEDecoder", "Sequence"};

// BYTES as text, each byte of an ill-formed sequence shown as U+FFFD (Rust's from_utf8_lossy,
// byte by byte).
std::string lossy_utf8(const std::string& bytes)
{
    std::string out;
    for (std::size_t i = 0; i < bytes.size();) {
        char32_t c = 0;
        const std::size_t len = utf8::decode(bytes, i, c);
        if (len == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
        } else {
            out.append(bytes, i, len);
            i += len;
        }
    }
    return out;
}

class ByteLevelDecoder final : public Decoder {
public:
    void decode_chain(std::vector<std::string>& tokens, bool label) const override
    {
        if (label) {
            for (std::string& t : tokens) t = lossy_utf8(byte_level::token_bytes(t));
            return;
        }
        // Joined first: a character's bytes may be spread over several tokens.
        std::string bytes;
        for (const std::string& t : tokens) bytes += byte_level::token_bytes(t);
        tokens.assign(1, lossy_utf8(bytes));
    }
};

void replace_all(std::string& s, const std::string& from, const std::string& to)
{
    if (from.empty()) return;
    for (std::size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size()) s.replace(pos, from.size(), to);
}

class MetaspaceDecoder final : public Decoder {
public:
    MetaspaceDecoder(std::string replacement, bool strip_first) : replacement_(std::move(replacement)), strip_first_(strip_first) {}
    void decode_chain(std::vector<std::string>& tokens, bool label) const override
    {
        for (std::size_t i = 0; i < tokens.size(); ++i) {
            replace_all(tokens[i], replacement_, " ");
            if (i == 0 && strip_first_ && !label && !tokens[i].empty() && tokens[i][0] == ' ') tokens[i].erase(0, 1);
        }
    }

private:
    std::string replacement_;
    bool strip_first_;
};

class ReplaceDecoder final : public Decoder {
public:
    ReplaceDecoder(const std::string& pattern, bool literal, std::string content)
        : regex_(pattern, literal), content_(std::move(content))
    {
    }
    void decode_chain(std::vector<std::string>& tokens, bool) const override
    {
        for (std::string& t : tokens) {
            const auto matches = regex_.find_all(t);
            if (matches.empty()) continue;
            std::string out;
            std::size_t pos = 0;
            for (const Range& m : matches) {
                out.append(t, pos, m.first - pos);
                out += content_;
                pos = m.second;
            }
            out.append(t, pos, std::string::npos);
            t = std::move(out);
        }
    }

private:
    Regex regex_;
    std::string content_;
};

// "<0x41>" -> 0x41, or -1.
int fallback_byte(const std::string& t)
{
    if (t.size() != 6 || t.compare(0, 3, "<0x") != 0 || t[5] != '>') return -1;
    int v = 0;
    for (int k = 3; k < 5; ++k) {
        const char c = t[static_cast<std::size_t>(k)];
        v *= 16;
        if (c >= '0' && c <= '9') v += c - '0';
        else if (c >= 'A' && c <= 'F') v += c - 'A' + 10;
        else if (c >= 'a' && c <= 'f') v += c - 'a' + 10;
        else return -1;
    }
    return v;
}

class ByteFallbackDecoder final : public Decoder {
public:
    void decode_chain(std::vector<std::string>& tokens, bool) const override
    {
        std::vector<std::string> out;
        std::string pending;  // consecutive byte tokens
        std::size_t pending_count = 0;
        auto flush = [&] {
            if (pending_count == 0) return;
            char32_t c = 0;
            bool valid = true;
            for (std::size_t i = 0; i < pending.size();) {
                const std::size_t len = utf8::decode(pending, i, c);
                if (len == 0) {
                    valid = false;
                    break;
                }
                i += len;
            }
            if (valid) {
                out.push_back(pending);
            } else {
                for (std::size_t k = 0; k < pending_count; ++k) out.emplace_back("\xEF\xBF\xBD");
            }
            pending.clear();
            pending_count = 0;
        };
        for (const std::string& t : tokens) {
            const int b = fallback_byte(t);
            if (b >= 0) {
                pending.push_back(static_cast<char>(b));
                ++pending_count;
            } else {
                flush();
                out.push_back(t);
            }
        }
        flush();
        tokens.swap(out);
    }
};

class FuseDecoder final : public Decoder {
public:
    void decode_chain(std::vector<std::string>& tokens, bool label) const override
    {
        if (label) return;
        std::string all;
        for (const std::string& t : tokens) all += t;
        tokens.assign(1, all);
    }
};

class StripDecoder final : public Decoder {
public:
    StripDecoder(std::string content, std::size_t start, std::size_t stop) : content_(std::move(content)), start_(start), stop_(stop) {}
    void decode_chain(std::vector<std::string>& tokens, bool label) const override
    {
        if (label || content_.empty()) return;
        for (std::string& t : tokens) {
            for (std::size_t k = 0; k < start_ && t.compare(0, content_.size(), content_) == 0; ++k) t.erase(0, content_.size());
            for (std::size_t k = 0; k < stop_ && t.size() >= content_.size() &&
                                    t.compare(t.size() - content_.size(), content_.size(), content_) == 0;
                 ++k)
                t.resize(t.size() - content_.size());
        }
    }

private:
    std::string content_;
    std::size_t start_, stop_;
};

// Undoes BERT's spacing around punctuation and contractions.
void cleanup(std::string& s)
{
    static const std::pair<const char*, const char*> kPairs[] = {
        {" .", "."}, {" ?", "?"}, {" !", "!"}, {" ,", ","}, {" ' ", "'"}, {" n't", "n't"},
        {" 'm", "'m"}, {" do not", " don't"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"}};
    for (const auto& [from, to] : kPairs) replace_all(s, from, to);
}

class WordPieceDecoder final : public Decoder {
public:
    WordPieceDecoder(std::string prefix, bool cleanup) : prefix_(std::move(prefix)), cleanup_(cleanup) {}
    void decode_chain(std::vector<std::string>& tokens, bool label) const override
    {
        for (std::size_t i = 0; i < tokens.size(); ++i) {
            std::string& t = tokens[i];
            const bool prefixed = !prefix_.empty() && t.compare(0, prefix_.size(), prefix_) == 0;
            if (label) {
                if (prefixed) t.erase(0, prefix_.size());
                continue;
            }
            if (i > 0) {
                if (prefixed)
                    t.erase(0, prefix_.size());
                else
                    t.insert(t.begin(), ' ');
            }
            if (cleanup_) cleanup(t);
        }
    }

private:
    std::string prefix_;
    bool cleanup_;
};

class BpeDecoder final : public Decoder {
public:
    explicit BpeDecoder(std::string suffix) : suffix_(std::move(suffix)) {}
    void decode_chain(std::vector<std::string>& tokens, bool label) const override
    {
        for (std::size_t i = 0; i < tokens.size(); ++i)
            replace_all(tokens[i], suffix_, (i + 1 == tokens.size() || label) ? "" : " ");
    }

private:
    std::string suffix_;
};

class SequenceDecoder final : public Decoder {
public:
    explicit SequenceDecoder(std::vector<std::unique_ptr<Decoder>> steps) : steps_(std::move(steps)) {}
    void decode_chain(std::vector<std::string>& tokens, bool label) const override
    {
        for (const auto& s : steps_) s->decode_chain(tokens, label);
    }

private:
    std::vector<std::unique_ptr<Decoder>> steps_;
};

}  // namespace

std::unique_ptr<Decoder> make_byte_level_decoder()
{
    return std::make_unique<ByteLevelDecoder>();
}

std::unique_ptr<Decoder> make_wordpiece_decoder(std::string prefix, bool cleanup)
{
    return std::make_unique<WordPieceDecoder>(std::move(prefix), cleanup);
}

std::unique_ptr<Decoder> make_decoder(const Node& node)
{
    const std::string type = node.type();
    try {
        if (type == "ByteLevel") return make_byte_level_decoder();
        if (type == "Metaspace") {
            bool strip = node.bool_or("add_prefix_space", true);
            if (auto s = node.get("prepend_scheme")) strip = s->str() != "never";
            return std::make_unique<MetaspaceDecoder>(node.str_or("replacement", "\u2581"), strip);
        }
        if (type == "Replace") {
            const Node pattern = node.at("pattern");
            const std::string content = node.at("content").str();
            if (auto s = pattern.get("String")) return std::make_unique<ReplaceDecoder>(s->str(), true, content);
            if (auto r = pattern.get("Regex")) return std::make_unique<ReplaceDecoder>(r->str(), false, content);
            pattern.fail("expected {\"String\": ...} or {\"Regex\": ...}");
        }
        if (type == "ByteFallback") return std::make_unique<ByteFallbackDecoder>();
        if (type == "Fuse") return std::make_unique<FuseDecoder>();
        if (type == "Strip")
            return std::make_unique<StripDecoder>(node.str_or("content", " "),
                                                  static_cast<std::size_t>(node.get("start") ? node.at("start").integer(0, 1 << 20) : 0),
                                                  static_cast<std::size_t>(node.get("stop") ? node.at("stop").integer(0, 1 << 20) : 0));
        if (type == "WordPiece") return make_wordpiece_decoder(node.str_or("prefix", "##"), node.bool_or("cleanup", true));
        if (type == "BPEDecoder") return std::make_unique<BpeDecoder>(node.str_or("suffix", "</w>"));
        if (type == "Sequence") {
            const Node list = node.at("decoders");
            std::vector<std::unique_ptr<Decoder>> steps;
            for (std::size_t i = 0; i < list.size(); ++i) steps.push_back(make_decoder(list.item(i)));
            return std::make_unique<SequenceDecoder>(std::move(steps));
        }
    } catch (const std::invalid_argument& e) {
        const std::string what = e.what();
        if (what.rfind(node.file() + ":", 0) == 0) throw;
        node.fail(what);
    }
    node.at("type").fail("decoder \"" + type + "\" is not supported (supported: " + join_names(kSupported) + ")");
}

}  // namespace attnviz::tokenizers
