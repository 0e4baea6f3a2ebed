#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the tiny attention fixtures in tests/data/attention/ with numpy itself, so that the
readers are checked against files they did not write. Run from anywhere:

    python3 tests/data/make_attention_fixtures.py

Needs numpy only. The element values follow one formula the tests recompute:
    value(layer, head, i, j) = 64*layer + 16*head + 4*i + j
integers below 256, exact in float16 and bfloat16 as well. Such rows do not sum to 1: the tests
also check that they are flagged.
"""
import json
import os
import struct

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "attention")


def formula(layers, heads, n_q, n_k):
    l, h, i, j = np.meshgrid(np.arange(layers), np.arange(heads), np.arange(n_q), np.arange(n_k),
                             indexing="ij")
    return (64 * l + 16 * h + 4 * i + j).astype(np.float64)  # [layers, heads, n_q, n_k]


def save_npy(name, array, version=None):
    with open(os.path.join(OUT, name), "wb") as f:
        np.lib.format.write_array(f, array, version=version, allow_pickle=False)


def to_bf16_bytes(a):
    # numpy has no bfloat16: round float32 bits to nearest even and keep the high half.
    bits = np.ascontiguousarray(a, dtype="<f4").view("<u4").astype(np.uint64)
    rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype("<u2")
    return rounded.tobytes()


def save_safetensors(name, tensors, metadata=None):
    """tensors: list of (name, dtype string, shape, raw little-endian bytes)."""
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    offset = 0
    for tname, dtype, shape, raw in tensors:
        header[tname] = {"dtype": dtype, "shape": list(shape),
                         "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for _, _, _, raw in tensors:
            f.write(raw)


def main():
    os.makedirs(OUT, exist_ok=True)
    a = formula(2, 3, 4, 4)  # [layers=2, heads=3, n_q=4, n_k=4]

    save_npy("np_f32_c_v1.npy", a.astype("<f4"), version=(1, 0))
    save_npy("np_f64_fortran_be.npy", np.asfortranarray(a.astype(">f8")), version=(1, 0))
    save_npy("np_f16_heads_v2.npy", a[0].astype("<f2"), version=(2, 0))  # [heads, n_q, n_k]
    save_npy("np_f32_single_v3.npy", a[1, 2].astype("<f4"), version=(3, 0))  # [n_q, n_k]

    # [layers=2, batch=2, heads=3, n_q=4, n_k=4]; batch b adds 0.5*b.
    five = np.stack([a, a + 0.5], axis=1).astype("<f4")
    save_npy("np_f32_batch.npy", five, version=(1, 0))

    # Raw scores for the softmax option: [n_q=2, n_k=3].
    save_npy("np_scores.npy", np.array([[0.0, 1.0, 2.0], [-1.0, 0.0, 1.0]], dtype="<f4"))

    tokens = ["[CLS]", "the", "cat", "[SEP]"]
    save_safetensors(
        "st_series_bf16.safetensors",
        [(f"attentions.{l}", "BF16", (1, 3, 4, 4), to_bf16_bytes(a[l][None])) for l in range(2)],
        metadata={"tokens": json.dumps(tokens), "format": "pt"})
    save_safetensors(
        "st_single_f16.safetensors",
        [("input_ids", "I64", (4,), np.arange(4, dtype="<i8").tobytes()),
         ("attention", "F16", a.shape, a.astype("<f2").tobytes())])

    weights = np.array([[0.5, 0.25, 0.25], [0.0, 0.0, 1.0]])  # [n_q=2, n_k=3]
    with open(os.path.join(OUT, "cross.json"), "w") as f:
        json.dump({"tokens": ["le", "chat", "noir"], "query_tokens": ["the", "cat"],
                   "attention": weights.tolist()}, f)


if __name__ == "__main__":
    main()
