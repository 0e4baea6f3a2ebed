#!/usr/bin/env python3
# Writes the small hand-made tokenizer.json fixtures of tests/core/test_tokenizer_formats.cpp
# (standard library only): python3 tests/data/tokenizers/make_fixtures.py tests/data/tokenizers
# Each vocabulary is tiny and chosen so that the expected ids in the test can be checked by hand
# against Hugging Face's algorithms (the comments in the test walk through them).
import json
import sys
from pathlib import Path


def added(id_, content, special=True, normalized=False, lstrip=False, rstrip=False):
    return {"id": id_, "content": content, "single_word": False, "lstrip": lstrip, "rstrip": rstrip,
            "normalized": normalized, "special": special}


def template(token, id_, before=True):
    special = {"SpecialToken": {"id": token, "type_id": 0}}
    seq = {"Sequence": {"id": "A", "type_id": 0}}
    return {"type": "TemplateProcessing", "single": [special, seq] if before else [seq, special],
            "pair": [special, seq, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {token: {"id": token, "ids": [id_], "tokens": [token]}}}


def bert():
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", ",", "!", "un", "##aff", "##able",
             "cafe", "naive", "\u4e2d", "\u6587", "the", "##s", "a", "##b", "##world", "##hello"]
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(i, t) for i, t in enumerate(vocab[:5])],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
            "pair": [],
            "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]},
                               "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]}}},
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 12, "vocab": {t: i for i, t in enumerate(vocab)}},
    }


def llama2():
    vocab = ["<unk>", "<s>", "</s>"] + ["<0x%02X>" % b for b in range(256)]
    vocab += ["\u2581", "h", "e", "l", "o", "\u2581h", "ll", "\u2581he", "llo", "\u2581hello", "w", "r", "d",
              "\u2581w", "or", "\u2581wor", "ld", "\u2581world"]
    merges = ["\u2581 h", "l l", "\u2581h e", "ll o", "\u2581he llo", "\u2581 w", "o r", "\u2581w or", "l d",
              "\u2581wor ld"]
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(0, "<unk>"), added(1, "<s>"), added(2, "</s>")],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "Prepend", "prepend": "\u2581"},
            {"type": "Replace", "pattern": {"String": " "}, "content": "\u2581"}]},
        "pre_tokenizer": None,
        "post_processor": template("<s>", 1),
        "decoder": {"type": "Sequence", "decoders": [
            {"type": "Replace", "pattern": {"String": "\u2581"}, "content": " "},
            {"type": "ByteFallback"}, {"type": "Fuse"},
            {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
        "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True, "ignore_merges": False,
                  "vocab": {t: i for i, t in enumerate(vocab)}, "merges": merges},
    }


LLAMA3_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?+\p{L}+|\p{N}{1,3}"
                  r"| ?[^\s\p{L}\p{N}]++[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")


def llama3():
    vocab = ["H", "e", "l", "o", "\u0120", "w", "r", "d", "1", "2", "3", "4", "5", "!", "\u010a", "I", "'", "M",
             "k", "Hello", "\u0120w", "or", "\u0120wor", "ld", "\u0120world", "12", "123", "45", "!!",
             "\u010a\u010a", "!!\u010a\u010a", "'M", "\u0120o", "\u0120ok"]
    del vocab[31]  # "'M" stays two tokens: no merge and not in the vocabulary
    vocab = {t: i for i, t in enumerate(vocab)}
    merges = [["\u0120", "w"], ["o", "r"], ["\u0120w", "or"], ["l", "d"], ["\u0120wor", "ld"], ["1", "2"],
              ["12", "3"], ["4", "5"], ["!", "!"], ["\u010a", "\u010a"], ["!!", "\u010a\u010a"], ["\u0120", "o"],
              ["\u0120o", "k"]]
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(100, "<|begin_of_text|>"), added(101, "<|end_of_text|>")],
        "normalizer": None,
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": LLAMA3_PATTERN}, "behavior": "Isolated", "invert": False},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]},
        "post_processor": {"type": "Sequence", "processors": [
            {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
            template("<|begin_of_text|>", 100)]},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": True,
                  "vocab": vocab, "merges": merges},
    }


def word_level():
    vocab = ["<unk>", "<bos>", "t0", "t1", "t2"]
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [added(1, "<bos>")],
        "normalizer": None,
        "pre_tokenizer": {"type": "WhitespaceSplit"},
        "post_processor": template("<bos>", 1),
        "decoder": None,
        "model": {"type": "WordLevel", "vocab": {t: i for i, t in enumerate(vocab)}, "unk_token": "<unk>"},
    }


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    for name, make in [("bert_wordpiece", bert), ("llama2_byte_fallback", llama2), ("llama3_split", llama3),
                       ("word_level", word_level)]:
        (out / (name + ".json")).write_text(json.dumps(make(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
