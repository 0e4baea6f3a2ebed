// SPDX-License-Identifier: GPL-3.0-or-later
#include "lessons/condition.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace attnviz::lessons {

namespace {

const char* typeName(ValueType t)
{
    switch (t) {
    case ValueType::Bool: return "yes/no";
    case ValueType::Number: return "a number";
    case ValueType::Text: return "text";
    }
    return "?";
}

struct Token {
    enum class Kind { Name, Number, String, Op, LParen, RParen, LBracket, RBracket, Comma, End };
    Kind kind = Kind::End;
    std::string text;
    double number = 0;
};

// Splits a check into tokens; an unknown character or operator is refused here.
std::vector<Token> tokenize(const std::string& s)
{
    std::vector<Token> out;
    std::size_t i = 0;
    auto isNameChar = [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '.'; };
    while (i < s.size()) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (std::isspace(c)) {
            ++i;
            continue;
        }
        Token t;
        if (c == '(' || c == ')' || c == '[' || c == ']' || c == ',') {
            t.kind = c == '(' ? Token::Kind::LParen : c == ')' ? Token::Kind::RParen
                   : c == '[' ? Token::Kind::LBracket : c == ']' ? Token::Kind::RBracket : Token::Kind::Comma;
            t.text = std::string(1, static_cast<char>(c));
            ++i;
        } else if (c == '"') {
            const std::size_t end = s.find('"', i + 1);
            if (end == std::string::npos) throw ConditionError("unterminated text: " + s.substr(i));
            t.kind = Token::Kind::String;
            t.text = s.substr(i + 1, end - i - 1);
            i = end + 1;
        } else if (std::isdigit(c) || ((c == '-' || c == '+') && i + 1 < s.size() &&
                                       (std::isdigit(static_cast<unsigned char>(s[i + 1])) || s[i + 1] == '.'))) {
            const char* begin = s.c_str() + i;
            char* end = nullptr;
            t.number = std::strtod(begin, &end);
            t.kind = Token::Kind::Number;
            t.text.assign(begin, static_cast<std::size_t>(end - begin));
            i += static_cast<std::size_t>(end - begin);
            if (i < s.size() && isNameChar(static_cast<unsigned char>(s[i])))
                throw ConditionError("bad number '" + t.text + s[i] + "...'");
            if (!std::isfinite(t.number)) throw ConditionError("number out of range: " + t.text);
        } else if (std::isalpha(c) || c == '_') {
            std::size_t j = i;
            while (j < s.size() && isNameChar(static_cast<unsigned char>(s[j]))) ++j;
            t.kind = Token::Kind::Name;
            t.text = s.substr(i, j - i);
            i = j;
        } else {
            // The operators, longest first; anything else made of operator characters is refused
            // whole ("=", "=>", "<>", "!", "&&").
            std::size_t j = i;
            while (j < s.size() && std::string_view("=<>!&|~").find(s[j]) != std::string_view::npos) ++j;
            const std::string op = s.substr(i, std::max<std::size_t>(1, j - i));
            static const char* const kOps[] = {"==", "!=", "<=", ">=", "<", ">"};
            if (std::find_if(std::begin(kOps), std::end(kOps), [&](const char* o) { return op == o; }) == std::end(kOps))
                throw ConditionError("bad operator '" + op + "' (use ==, !=, <, <=, >, >=, and, or, not)");
            t.kind = Token::Kind::Op;
            t.text = op;
            i += op.size();
        }
        out.push_back(std::move(t));
    }
    out.push_back(Token{});
    return out;
}

class Parser {
public:
    Parser(const std::string& text, const Vocabulary& vocabulary) : tokens_(tokenize(text)), vocabulary_(vocabulary) {}

    Condition parseAll()
    {
        if (peek().kind == Token::Kind::End) throw ConditionError("empty check");
        Condition c = parseOr();
        if (peek().kind != Token::Kind::End) throw ConditionError("unexpected '" + peek().text + "' after a complete check");
        return c;
    }

private:
    const Token& peek() const { return tokens_[pos_]; }
    Token next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
    bool isWord(const char* w) const { return peek().kind == Token::Kind::Name && peek().text == w; }
    void expect(Token::Kind kind, const char* what)
    {
        if (peek().kind != kind)
            throw ConditionError(std::string("expected ") + what + (peek().kind == Token::Kind::End ? " at the end" : ", got '" + peek().text + "'"));
        next();
    }

    Condition combine(Condition::Kind kind, std::vector<Condition> parts)
    {
        if (parts.size() == 1) return std::move(parts.front());
        Condition c;
        c.kind = kind;
        c.children = std::move(parts);
        return c;
    }

    Condition parseOr()
    {
        std::vector<Condition> parts{parseAnd()};
        while (isWord("or")) {
            next();
            parts.push_back(parseAnd());
        }
        return combine(Condition::Kind::Or, std::move(parts));
    }
    Condition parseAnd()
    {
        std::vector<Condition> parts{parseNot()};
        while (isWord("and")) {
            next();
            parts.push_back(parseNot());
        }
        return combine(Condition::Kind::And, std::move(parts));
    }
    Condition parseNot()
    {
        if (isWord("not")) {
            next();
            Condition c;
            c.kind = Condition::Kind::Not;
            c.children.push_back(parseNot());
            return c;
        }
        return parseAtom();
    }
    Condition parseAtom()
    {
        if (peek().kind == Token::Kind::LParen) {
            next();
            Condition c = parseOr();
            expect(Token::Kind::RParen, "')'");
            return c;
        }
        if ((isWord("all") || isWord("any")) && tokens_[pos_ + 1].kind == Token::Kind::LParen) {
            const bool all = peek().text == "all";
            next();
            next();
            std::vector<Condition> parts{parseOr()};
            while (peek().kind == Token::Kind::Comma) {
                next();
                parts.push_back(parseOr());
            }
            expect(Token::Kind::RParen, "')'");
            return combine(all ? Condition::Kind::And : Condition::Kind::Or, std::move(parts));
        }
        Condition c;
        c.kind = Condition::Kind::Compare;
        c.left = parseOperand();
        if (peek().kind != Token::Kind::Op) {
            // A lone value: a yes/no value read as "== true".
            if (c.left.isLiteral || c.left.type != ValueType::Bool)
                throw ConditionError("'" + describe(c.left) + "' alone is not a check: compare it (" + describe(c.left) +
                                     " >= ..., == ...)");
            c.op = CompareOp::Eq;
            c.right.isLiteral = true;
            c.right.literal = true;
            c.right.type = ValueType::Bool;
            return c;
        }
        const std::string op = next().text;
        c.op = op == "==" ? CompareOp::Eq : op == "!=" ? CompareOp::Ne : op == "<" ? CompareOp::Lt
             : op == "<=" ? CompareOp::Le : op == ">" ? CompareOp::Gt : CompareOp::Ge;
        c.right = parseOperand();
        checkTypes(c, op);
        return c;
    }

    static std::string describe(const Operand& o)
    {
        if (!o.isLiteral) {
            std::string s = o.name;
            for (long i : o.indices) s += "[" + std::to_string(i) + "]";
            return s;
        }
        if (const auto* b = std::get_if<bool>(&o.literal)) return *b ? "true" : "false";
        if (const auto* d = std::get_if<double>(&o.literal)) {
            std::string s = std::to_string(*d);
            s.erase(s.find_last_not_of('0') + 1);  // 0.900000 → 0.9
            if (!s.empty() && s.back() == '.') s.pop_back();
            return s;
        }
        return "\"" + std::get<std::string>(o.literal) + "\"";
    }

    void checkTypes(const Condition& c, const std::string& op)
    {
        if (c.left.isLiteral && c.right.isLiteral)
            throw ConditionError("'" + describe(c.left) + " " + op + " " + describe(c.right) + "' compares two fixed values: name a published value");
        if (c.left.type != c.right.type)
            throw ConditionError("'" + describe(c.left) + " " + op + " " + describe(c.right) + "' compares " +
                                 typeName(c.left.type) + " with " + typeName(c.right.type));
        if (c.left.type != ValueType::Number && c.op != CompareOp::Eq && c.op != CompareOp::Ne)
            throw ConditionError("bad operator '" + op + "' for " + typeName(c.left.type) + " (use == or !=)");
        // A text literal must be one of the value's words, when it has a list.
        for (const auto* pair : {&c.left, &c.right}) {
            const Operand& lit = *pair;
            const Operand& val = pair == &c.left ? c.right : c.left;
            if (!lit.isLiteral || val.isLiteral || lit.type != ValueType::Text) continue;
            const ValueName* v = vocabulary_.value(val.name);
            if (!v || v->choices.empty()) continue;
            const std::string& word = std::get<std::string>(lit.literal);
            if (std::find(v->choices.begin(), v->choices.end(), word) == v->choices.end()) {
                std::string known;
                for (const std::string& w : v->choices) known += (known.empty() ? "" : ", ") + w;
                throw ConditionError(val.name + " is never \"" + word + "\" (it is one of: " + known + ")");
            }
        }
    }

    Operand parseOperand()
    {
        const Token t = next();
        Operand o;
        switch (t.kind) {
        case Token::Kind::Number:
            o.isLiteral = true;
            o.literal = t.number;
            o.type = ValueType::Number;
            return o;
        case Token::Kind::String:
            o.isLiteral = true;
            o.literal = t.text;
            o.type = ValueType::Text;
            return o;
        case Token::Kind::Name: break;
        case Token::Kind::End: throw ConditionError("the check ends where a value was expected");
        default: throw ConditionError("expected a value, got '" + t.text + "'");
        }
        if (t.text == "true" || t.text == "false") {
            o.isLiteral = true;
            o.literal = t.text == "true";
            o.type = ValueType::Bool;
            return o;
        }
        const ValueName* v = vocabulary_.value(t.text);
        if (!v) {
            if (t.text.find('.') == std::string::npos)
                throw ConditionError("unknown word '" + t.text + "' (a value is named window.value, such as playground.variant; "
                                     "text goes in \"quotes\")");
            throw ConditionError("unknown value name '" + t.text + "' (docs/lessons.md lists every published value)");
        }
        if (!v->published)
            throw ConditionError("'" + t.text + "' is not published yet (docs/lessons.md: not yet published)");
        o.name = t.text;
        o.type = v->type;
        while (peek().kind == Token::Kind::LBracket) {
            next();
            const Token index = next();
            if (index.kind != Token::Kind::Number || index.number < 0 || index.number != std::floor(index.number) ||
                index.number > 1e9)
                throw ConditionError("index of " + t.text + " must be a whole number from 0, got '" + index.text + "'");
            o.indices.push_back(static_cast<long>(index.number));
            expect(Token::Kind::RBracket, "']'");
        }
        if (static_cast<int>(o.indices.size()) != v->indices)
            throw ConditionError(t.text + " takes " + std::to_string(v->indices) + " index(es) in [brackets], got " +
                                 std::to_string(o.indices.size()));
        return o;
    }

    std::vector<Token> tokens_;
    std::size_t pos_ = 0;
    const Vocabulary& vocabulary_;
};

std::optional<Scalar> valueOf(const Operand& o, const ValueSource& source)
{
    if (o.isLiteral) return o.literal;
    return source.lookup(o.name, o.indices);
}

bool compare(const Scalar& a, const Scalar& b, CompareOp op)
{
    if (a.index() != b.index()) return false;  // a window published the wrong type: never true
    if (const auto* x = std::get_if<double>(&a)) {
        const double y = std::get<double>(b);
        if (std::isnan(*x) || std::isnan(y)) return false;
        // == within a relative 1e-9: a value shown as 0.5 may be 0.5000000000001 after arithmetic.
        const bool equal = std::abs(*x - y) <= 1e-9 * std::max({1.0, std::abs(*x), std::abs(y)});
        switch (op) {
        case CompareOp::Eq: return equal;
        case CompareOp::Ne: return !equal;
        case CompareOp::Lt: return *x < y && !equal;
        case CompareOp::Le: return *x <= y || equal;
        case CompareOp::Gt: return *x > y && !equal;
        case CompareOp::Ge: return *x >= y || equal;
        }
        return false;
    }
    const bool equal = a == b;
    return op == CompareOp::Eq ? equal : op == CompareOp::Ne ? !equal : false;
}

void collectNames(const Condition& c, std::vector<std::string>& out)
{
    for (const Condition& child : c.children) collectNames(child, out);
    if (c.kind != Condition::Kind::Compare) return;
    for (const Operand* o : {&c.left, &c.right})
        if (!o->isLiteral && std::find(out.begin(), out.end(), o->name) == out.end()) out.push_back(o->name);
}

}  // namespace

Condition parseCondition(const std::string& text, const Vocabulary& vocabulary)
{
    return Parser(text, vocabulary).parseAll();
}

bool evaluate(const Condition& c, const ValueSource& source)
{
    switch (c.kind) {
    case Condition::Kind::And:
        return std::all_of(c.children.begin(), c.children.end(), [&](const Condition& x) { return evaluate(x, source); });
    case Condition::Kind::Or:
        return std::any_of(c.children.begin(), c.children.end(), [&](const Condition& x) { return evaluate(x, source); });
    case Condition::Kind::Not: return !evaluate(c.children.front(), source);
    case Condition::Kind::Compare: {
        const std::optional<Scalar> a = valueOf(c.left, source);
        const std::optional<Scalar> b = valueOf(c.right, source);
        return a && b && compare(*a, *b, c.op);
    }
    }
    return false;
}

std::vector<std::string> namesRead(const Condition& condition)
{
    std::vector<std::string> out;
    collectNames(condition, out);
    return out;
}

}  // namespace attnviz::lessons
