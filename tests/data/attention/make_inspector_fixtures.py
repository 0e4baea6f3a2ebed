#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures of the inspector window tests (standard library only, no numpy).

    python3 tests/data/attention/make_inspector_fixtures.py          # the small fixtures here
    python3 tests/data/attention/make_inspector_fixtures.py --demo OUT.safetensors [L H N]
                                                                     # a realistic model run

inspector_small.safetensors: [layers=2, heads=3, n_q=5, n_k=5] float32 weights (rows sum to 1),
tokens [CLS] the cat sat [SEP]. Head (l, h), row i: softmax over j of the scores
s_ij = -|i - j - h| + 0.5 l + (j == 0) * l, i.e. head h looks h tokens back, deeper layers
favour the first token.
inspector_corrupt.npy: a header promising [2, 3, 4, 4] float32 followed by only 8 bytes.
"""
import json
import math
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def softmax(row):
    m = max(row)
    e = [math.exp(x - m) for x in row]
    s = sum(e)
    return [x / s for x in e]


def save_safetensors(path, name, shape, values, metadata):
    blob = struct.pack("<%df" % len(values), *values)
    header = {"__metadata__": metadata,
              name: {"dtype": "F32", "shape": shape, "data_offsets": [0, len(blob)]}}
    text = json.dumps(header).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        f.write(blob)


def small():
    layers, heads, n = 2, 3, 5
    values = []
    for l in range(layers):
        for h in range(heads):
            for i in range(n):
                values += softmax([-abs(i - j - h) + 0.5 * l + (l if j == 0 else 0) for j in range(n)])
    save_safetensors(os.path.join(HERE, "inspector_small.safetensors"), "attention",
                     [layers, heads, n, n], values,
                     {"tokens": json.dumps(["[CLS]", "the", "cat", "sat", "[SEP]"])})


def corrupt():
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 4, 4), }"
    header += " " * (-(10 + len(header) + 1) % 64) + "\n"
    with open(os.path.join(HERE, "inspector_corrupt.npy"), "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1"))
        f.write(b"\x00" * 8)


WORDS = ("the quick brown fox jumps over the lazy dog while a small cat sleeps on the warm mat "
         "near an old wooden door and birds sing in the tall green trees").split()


def demo(path, layers=12, heads=12, n=64):
    """Head types by (layer + head) % 5: diagonal, previous token, first token, diffuse, local."""
    tokens = ["[CLS]"] + [WORDS[i % len(WORDS)] for i in range(n - 2)] + ["[SEP]"]
    values = []
    for l in range(layers):
        for h in range(heads):
            kind = (l + h) % 5
            for i in range(n):
                if kind == 0:
                    s = [4.0 if i == j else 0.0 for j in range(n)]
                elif kind == 1:
                    s = [4.0 if j == max(i - 1, 0) else 0.0 for j in range(n)]
                elif kind == 2:
                    s = [3.0 + 0.1 * l if j == 0 else 0.2 * math.sin(i * j + h) for j in range(n)]
                elif kind == 3:
                    s = [0.5 * math.sin(0.3 * i * (h + 1) + 0.7 * j * (l + 1)) for j in range(n)]
                else:
                    s = [-abs(i - j) / (1 + 0.5 * h) for j in range(n)]
                values += softmax(s)
    save_safetensors(path, "attention", [layers, heads, n, n], values, {"tokens": json.dumps(tokens)})


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--demo":
        demo(sys.argv[2], *[int(a) for a in sys.argv[3:6]])
    else:
        small()
        corrupt()
