#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes a small random GPT-2 checkpoint in the Hugging Face layout, for the model window's and
`attnviz run`'s tests and the README screenshot:

  OUT/config.json        model_type gpt2, 2 layers x 2 heads x 16, 32 positions, vocab 273
  OUT/model.safetensors  float32, GPT2LMHeadModel names ("transformer." prefix, tied head)
  OUT/vocab.json         the 256 byte-level symbols, 16 merges' tokens, <|endoftext|>
  OUT/merges.txt         the 16 merges (enough to spell "The cat sat on the mat" in 6 tokens)

Usage: /usr/bin/python3 write_tiny_gpt2.py OUT [--seed S] [--layers L] [--heads H] [--hidden D]
                                               [--positions P] [--no-tokenizer]
Deterministic for a seed (numpy's default_rng). Needs numpy only.
"""
import argparse
import json
import os
import struct

import numpy as np

MERGES = ["h e", "Ġ t", "Ġt he", "a t", "Ġ c", "Ġc at", "Ġ s", "Ġs at", "o n", "Ġ on", "Ġ m",
          "Ġm at", "T he", "i n", "Ġ a", "e r"]


def bytes_to_unicode():
    """GPT-2's map from the 256 bytes to printable characters (openai/gpt-2 encoder.py)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return bs, [chr(c) for c in cs]


def vocabulary():
    bs, cs = bytes_to_unicode()
    vocab = {c: i for i, c in enumerate(cs)}  # ids 0..255 in GPT-2's order
    for m in MERGES:
        vocab["".join(m.split(" "))] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    return vocab


def write_safetensors(path, tensors):
    """tensors: list of (name, float32 array). 8-byte little-endian header length, the JSON
    header (padded with spaces to 8 bytes), the raw little-endian bytes in order."""
    header, offset = {}, 0
    for name, a in tensors:
        a = np.ascontiguousarray(a, dtype="<f4")
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for _, a in tensors:
            f.write(np.ascontiguousarray(a, dtype="<f4").tobytes())
    os.replace(tmp, path)


def gpt2_tensors(rng, layers, hidden, vocab, positions, scale):
    """GPT2LMHeadModel's tensors; Conv1D weights are (in, out)."""
    def w(*shape, s=scale):
        return rng.standard_normal(shape).astype(np.float32) * s

    def ln(name):
        return [(name + ".weight", 1.0 + w(hidden, s=0.1)), (name + ".bias", w(hidden, s=0.1))]

    t = [("transformer.wte.weight", w(vocab, hidden)), ("transformer.wpe.weight", w(positions, hidden))]
    for i in range(layers):
        p = "transformer.h.%d." % i
        t += ln(p + "ln_1")
        t += [(p + "attn.c_attn.weight", w(hidden, 3 * hidden)), (p + "attn.c_attn.bias", w(3 * hidden, s=0.1)),
              (p + "attn.c_proj.weight", w(hidden, hidden)), (p + "attn.c_proj.bias", w(hidden, s=0.1))]
        t += ln(p + "ln_2")
        t += [(p + "mlp.c_fc.weight", w(hidden, 4 * hidden)), (p + "mlp.c_fc.bias", w(4 * hidden, s=0.1)),
              (p + "mlp.c_proj.weight", w(4 * hidden, hidden)), (p + "mlp.c_proj.bias", w(hidden, s=0.1))]
    t += ln("transformer.ln_f")
    return t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=2)
    ap.add_argument("--hidden", type=int, default=16)
    ap.add_argument("--positions", type=int, default=32)
    ap.add_argument("--scale", type=float, default=0.35,
                    help="weights' standard deviation: large enough that heads differ visibly")
    ap.add_argument("--no-tokenizer", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    vocab = vocabulary()
    config = {"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "n_layer": a.layers,
              "n_head": a.heads, "n_embd": a.hidden, "n_positions": a.positions, "n_ctx": a.positions,
              "vocab_size": len(vocab), "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new",
              "bos_token_id": len(vocab) - 1, "eos_token_id": len(vocab) - 1}
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    rng = np.random.default_rng(a.seed)
    write_safetensors(os.path.join(a.out, "model.safetensors"),
                      gpt2_tensors(rng, a.layers, a.hidden, len(vocab), a.positions, a.scale))
    if not a.no_tokenizer:
        with open(os.path.join(a.out, "vocab.json"), "w", encoding="utf-8") as f:
            json.dump(vocab, f, ensure_ascii=False)
        with open(os.path.join(a.out, "merges.txt"), "w", encoding="utf-8") as f:
            f.write("#version: 0.2\n" + "\n".join(MERGES) + "\n")


if __name__ == "__main__":
    main()
