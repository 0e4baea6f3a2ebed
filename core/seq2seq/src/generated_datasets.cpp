// SPDX-License-Identifier: GPL-3.0-or-later
#include "attnviz/core/seq2seq/generated_datasets.hpp"

#include "attnviz/core/random.hpp"

#include <array>
#include <stdexcept>

namespace attnviz::seq2seq {

namespace {

int pick(Rng& rng, int n) { return static_cast<int>(rng.below(static_cast<std::uint64_t>(n))); }

TokenList characters(const std::string& s)
{
    TokenList out;
    for (char c : s) out.push_back(c == ' ' ? std::string("\xE2\x96\x81") : std::string(1, c));
    return out;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int month_days(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : days[m - 1];
}

// 0 = Monday. Howard Hinnant's days_from_civil; 1970-01-01 was a Thursday.
int weekday(int y, int m, int d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = y - era * 400;
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    const long long days = static_cast<long long>(era) * 146097 + doe - 719468;
    return static_cast<int>(((days % 7) + 7 + 3) % 7);
}

std::string two(int v)
{
    std::string s = std::to_string(v);
    if (v < 10) s.insert(s.begin(), '0');
    return s;
}

std::string ordinal(int d)
{
    const char* suffix = (d % 10 == 1 && d != 11) ? "st" : (d % 10 == 2 && d != 12) ? "nd" : (d % 10 == 3 && d != 13) ? "rd" : "th";
    return std::to_string(d) + suffix;
}

std::string capitalised(std::string s)
{
    if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 32);
    return s;
}

}  // namespace

std::vector<std::string> generated_dataset_names() { return {"dates", "toy-fr", "reverse"}; }

bool is_generated_dataset(const std::string& name)
{
    return name == "dates" || name == "toy-fr" || name == "reverse";
}

int generated_dataset_num_steps(const std::string& name)
{
    if (name == "dates") return 32;
    if (name == "toy-fr" || name == "reverse") return 10;
    throw std::invalid_argument("unknown dataset '" + name + "' (expected dates, toy-fr or reverse)");
}

SentencePairs generate_dataset(const std::string& name, int count, std::uint64_t seed)
{
    if (count < 1) throw std::invalid_argument("dataset size must be ≥ 1, got " + std::to_string(count));
    if (name == "dates") return generate_dates(count, seed);
    if (name == "toy-fr") return generate_toy_fr(count, seed);
    if (name == "reverse") return generate_reverse(count, seed);
    throw std::invalid_argument("unknown dataset '" + name + "' (expected dates, toy-fr or reverse)");
}

SentencePairs generate_dates(int count, std::uint64_t seed)
{
    static const std::array<const char*, 12> months = {"january", "february", "march",     "april",   "may",      "june",
                                                       "july",    "august",   "september", "october", "november", "december"};
    static const std::array<const char*, 7> days = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
    Rng rng(seed);
    SentencePairs out;
    for (int i = 0; i < count; ++i) {
        const int y = 1950 + pick(rng, 100), m = 1 + pick(rng, 12);
        const int d = 1 + pick(rng, month_days(y, m));
        const std::string month = months[m - 1], mon = month.substr(0, 3), day = days[weekday(y, m, d)];
        const std::string ys = std::to_string(y), ds = std::to_string(d);
        std::string text;
        switch (pick(rng, 10)) {
        case 0: text = month + " " + ds + ", " + ys; break;
        case 1: text = ds + " " + month + " " + ys; break;
        case 2: text = two(m) + "/" + two(d) + "/" + ys; break;
        case 3: text = mon + " " + ds + " " + ys; break;
        case 4: text = day + ", " + month + " " + ds + ", " + ys; break;
        case 5: text = ds + " " + mon + " " + ys; break;
        case 6: text = two(d) + "." + two(m) + "." + ys; break;
        case 7: text = capitalised(month) + " " + ds + ", " + ys; break;
        case 8: text = day.substr(0, 3) + " " + ds + " " + mon + " " + ys; break;
        default: text = "the " + ordinal(d) + " of " + month + " " + ys; break;
        }
        out.source.push_back(characters(text));
        out.target.push_back(characters(ys + "-" + two(m) + "-" + two(d)));
    }
    return out;
}

namespace {

struct Noun {
    const char *en, *en_pl, *fr, *fr_pl;
    bool feminine;
};
struct Adjective {
    const char *en, *m, *f, *m_pl, *f_pl;
};
struct Verb {
    const char *en, *en_pl, *fr, *fr_pl;
};

const Noun kNouns[] = {
    {"cat", "cats", "chat", "chats", false},        {"dog", "dogs", "chien", "chiens", false},
    {"house", "houses", "maison", "maisons", true}, {"car", "cars", "voiture", "voitures", true},
    {"boy", "boys", "garçon", "garçons", false},    {"girl", "girls", "fille", "filles", true},
    {"book", "books", "livre", "livres", false},    {"apple", "apples", "pomme", "pommes", true},
    {"horse", "horses", "cheval", "chevaux", false}, {"table", "tables", "table", "tables", true},
};
const Adjective kAdjectives[] = {
    {"black", "noir", "noire", "noirs", "noires"},   {"red", "rouge", "rouge", "rouges", "rouges"},
    {"green", "vert", "verte", "verts", "vertes"},   {"blue", "bleu", "bleue", "bleus", "bleues"},
    {"white", "blanc", "blanche", "blancs", "blanches"}, {"happy", "content", "contente", "contents", "contentes"},
    {"tired", "fatigué", "fatiguée", "fatigués", "fatiguées"},
};
const Verb kVerbs[] = {
    {"sees", "see", "voit", "voient"},      {"likes", "like", "aime", "aiment"},
    {"follows", "follow", "suit", "suivent"}, {"wants", "want", "veut", "veulent"},
    {"finds", "find", "trouve", "trouvent"},
};

// A noun phrase: determiner, maybe an adjective, the noun; French puts the adjective after the noun.
void noun_phrase(Rng& rng, bool& plural, TokenList& en, TokenList& fr)
{
    const Noun& n = kNouns[pick(rng, std::size(kNouns))];
    plural = pick(rng, 3) == 0;
    const bool definite = pick(rng, 2) == 0;
    en.push_back(definite ? "the" : plural ? "some" : "a");
    fr.push_back(definite ? (plural ? "les" : n.feminine ? "la" : "le") : (plural ? "des" : n.feminine ? "une" : "un"));
    const int a = pick(rng, static_cast<int>(std::size(kAdjectives)) + 3);  // about 1 in 3 bare nouns
    const Adjective* adj = a < static_cast<int>(std::size(kAdjectives)) ? &kAdjectives[a] : nullptr;
    if (adj) en.push_back(adj->en);
    en.push_back(plural ? n.en_pl : n.en);
    fr.push_back(plural ? n.fr_pl : n.fr);
    if (adj) fr.push_back(plural ? (n.feminine ? adj->f_pl : adj->m_pl) : (n.feminine ? adj->f : adj->m));
}

}  // namespace

SentencePairs generate_toy_fr(int count, std::uint64_t seed)
{
    Rng rng(seed);
    SentencePairs out;
    for (int i = 0; i < count; ++i) {
        TokenList en, fr;
        bool plural = false, object_plural = false;
        noun_phrase(rng, plural, en, fr);
        const Verb& v = kVerbs[pick(rng, std::size(kVerbs))];
        en.push_back(plural ? v.en_pl : v.en);
        fr.push_back(plural ? v.fr_pl : v.fr);
        noun_phrase(rng, object_plural, en, fr);
        en.push_back(".");
        fr.push_back(".");
        out.source.push_back(std::move(en));
        out.target.push_back(std::move(fr));
    }
    return out;
}

SentencePairs generate_reverse(int count, std::uint64_t seed)
{
    Rng rng(seed);
    SentencePairs out;
    for (int i = 0; i < count; ++i) {
        const int len = 3 + pick(rng, 6);
        TokenList s;
        for (int k = 0; k < len; ++k) s.emplace_back(1, static_cast<char>('a' + pick(rng, 12)));
        out.source.push_back(s);
        out.target.emplace_back(s.rbegin(), s.rend());
    }
    return out;
}

}  // namespace attnviz::seq2seq
