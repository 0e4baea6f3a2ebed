#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes fuzz/seeds/tiny-model.safetensors, the model fuzzer's seed: the d2l encoder-decoder
with Bahdanau attention at its smallest (source vocabulary 5, target 6, embed 2, hidden 3, one
GRU layer), in the PyTorch state_dict layout model_io.hpp reads, with the metadata attnviz writes.
Standard library only; element i of tensor k is ((7*k + i) % 11 - 5) / 10, so every weight is
small and finite. 2.4 kB: under fuzz.sh's -max_len, unlike resources/models/toy-fr (148 kB).

    python3 fuzz/seeds/make_model_seed.py
"""
import json
import os
import struct

E, H, V_SRC, V_TGT = 2, 3, 5, 6
TENSORS = [
    ("encoder.embedding.weight", [V_SRC, E]),
    ("encoder.rnn.weight_ih_l0", [3 * H, E]),
    ("encoder.rnn.weight_hh_l0", [3 * H, H]),
    ("encoder.rnn.bias_ih_l0", [3 * H]),
    ("encoder.rnn.bias_hh_l0", [3 * H]),
    ("decoder.attention.W_k.weight", [H, H]),
    ("decoder.attention.W_q.weight", [H, H]),
    ("decoder.attention.w_v.weight", [1, H]),
    ("decoder.embedding.weight", [V_TGT, E]),
    ("decoder.rnn.weight_ih_l0", [3 * H, H + E]),
    ("decoder.rnn.weight_hh_l0", [3 * H, H]),
    ("decoder.rnn.bias_ih_l0", [3 * H]),
    ("decoder.rnn.bias_hh_l0", [3 * H]),
    ("decoder.dense.weight", [V_TGT, H]),
    ("decoder.dense.bias", [V_TGT]),
]


def main():
    header, data = {}, b""
    for k, (name, shape) in enumerate(TENSORS):
        n = 1
        for d in shape:
            n *= d
        values = [((7 * k + i) % 11 - 5) / 10 for i in range(n)]
        begin = len(data)
        data += struct.pack("<%df" % n, *values)
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [begin, len(data)]}
    header["__metadata__"] = {
        "format": "attnviz-seq2seq/1",
        "src_vocab": json.dumps(["<unk>", "<pad>", "<bos>", "<eos>", "a"]),
        "tgt_vocab": json.dumps(["<unk>", "<pad>", "<bos>", "<eos>", "b", "."]),
        "embed_size": str(E), "num_hiddens": str(H), "num_layers": "1",
        "dropout": "0.1", "num_steps": "10",
    }
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - (8 + len(text)) % 8) % 8)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tiny-model.safetensors")
    with open(out, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


if __name__ == "__main__":
    main()
