#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Independent reference for attnviz::hf: small random Hugging Face checkpoints and their
forward pass in numpy float64, written from transformers' modelling files (modeling_gpt2.py,
modeling_bert.py, modeling_llama.py / modeling_mistral.py / modeling_qwen2.py), not from the
C++ code.

    /usr/bin/python3 tests/data/hf_reference_forward.py generate tests/data/hf

writes one folder per fixture: config.json, model.safetensors (or shards +
model.safetensors.index.json), and reference.safetensors holding
    ids         (n)              float32 (small integers)
    attentions  (L, H, n, n)     float32, the reference's float64 values rounded once
    logits      (n, V)           float32, every position (absent for a bare BertModel)
The reference reads the checkpoint back from the files it wrote (so float16 / bfloat16
weights are the rounded values) and computes in float64.
"""
import json
import math
import os
import struct
import sys

import numpy as np

# ---- safetensors, both ways ---------------------------------------------------------------

def bf16_bits(x):
    """float64 → bfloat16 bit patterns, round to nearest even (via float32)."""
    u = np.asarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    return ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)


def encode(x, dtype):
    if dtype == "F32":
        return np.asarray(x, dtype="<f4").tobytes()
    if dtype == "F16":
        return np.asarray(x, dtype="<f2").tobytes()
    if dtype == "BF16":
        return bf16_bits(x).astype("<u2").tobytes()
    raise ValueError(dtype)


def write_safetensors(path, tensors, dtype_of, metadata=None):
    header, blobs, offset = {}, [], 0
    for name, value in tensors.items():
        dt = dtype_of(name)
        b = encode(value, dt)
        header[name] = {"dtype": dt, "shape": list(np.shape(value)), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    if metadata:
        header["__metadata__"] = metadata
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        raw = body[b:end]
        if e["dtype"] == "F32":
            a = np.frombuffer(raw, dtype="<f4").astype(np.float64)
        elif e["dtype"] == "F16":
            a = np.frombuffer(raw, dtype="<f2").astype(np.float64)
        elif e["dtype"] == "BF16":
            a = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32).astype(np.float64)
        else:
            raise ValueError(e["dtype"])
        out[name] = a.reshape(e["shape"])
    return out


def read_checkpoint(folder):
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    single = os.path.join(folder, "model.safetensors")
    if os.path.exists(single):
        return config, read_safetensors(single)
    with open(os.path.join(folder, "model.safetensors.index.json")) as f:
        index = json.load(f)
    weights = {}
    for shard in sorted(set(index["weight_map"].values())):
        weights.update(read_safetensors(os.path.join(folder, shard)))
    return config, weights

# ---- the reference forwards (float64) -------------------------------------------------------

def softmax(x):
    m = np.max(x, axis=-1, keepdims=True)
    e = np.exp(x - m)
    return e / np.sum(e, axis=-1, keepdims=True)


def layer_norm(x, w, b, eps):  # torch.nn.LayerNorm: biased variance
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def rms_norm(x, w, eps):  # LlamaRMSNorm
    return x / np.sqrt((x ** 2).mean(-1, keepdims=True) + eps) * w


_erf = np.vectorize(math.erf)
ACT = {
    "gelu_new": lambda x: 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3))),
    "gelu": lambda x: 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0))),
    "silu": lambda x: x / (1.0 + np.exp(-x)),
}


def attend(q, k, v, causal):
    """q (H, n, d), k, v (H, n, d) → weights (H, n, n), context (n, H·d)."""
    d = q.shape[-1]
    scores = q @ np.swapaxes(k, -1, -2) / math.sqrt(d)
    if causal:
        n = q.shape[1]
        scores = np.where(np.tril(np.ones((n, n), dtype=bool)), scores, -np.inf)
    a = softmax(scores)
    ctx = a @ v
    return a, np.transpose(ctx, (1, 0, 2)).reshape(q.shape[1], -1)


# Head ablation (issue 13): {(layer, head): "zero" | "mean"}. A head's output is its (n, d) slice
# of the context before the output projection: zeroed, or every row set to its mean over the n
# positions. Set by `ablate` below; empty for the plain reference.
ABLATE = {}


def ablate(ctx, l, H):
    n = ctx.shape[0]
    d = ctx.shape[1] // H
    ctx = ctx.copy()
    for (layer, h), mode in ABLATE.items():
        if layer != l:
            continue
        s = slice(h * d, (h + 1) * d)
        ctx[:, s] = 0.0 if mode == "zero" else ctx[:, s].mean(axis=0, keepdims=True)
    return ctx


def heads(x, h):  # (n, h·d) → (h, n, d)
    n = x.shape[0]
    return np.transpose(x.reshape(n, h, -1), (1, 0, 2))


def gpt2_forward(c, W, ids):
    p = "transformer." if "transformer.wte.weight" in W else ""
    H, eps = c["n_head"], c.get("layer_norm_epsilon", 1e-5)
    act = ACT[c.get("activation_function", "gelu_new")]
    n = len(ids)
    x = W[p + "wte.weight"][ids] + W[p + "wpe.weight"][:n]
    atts = []
    for l in range(c["n_layer"]):
        g = lambda s: W[f"{p}h.{l}.{s}"]
        a = layer_norm(x, g("ln_1.weight"), g("ln_1.bias"), eps)
        qkv = a @ g("attn.c_attn.weight") + g("attn.c_attn.bias")  # Conv1D: x W + b, W (in × out)
        q, k, v = np.split(qkv, 3, axis=-1)
        w, ctx = attend(heads(q, H), heads(k, H), heads(v, H), True)
        ctx = ablate(ctx, l, H)
        atts.append(w)
        x = x + ctx @ g("attn.c_proj.weight") + g("attn.c_proj.bias")
        m = layer_norm(x, g("ln_2.weight"), g("ln_2.bias"), eps)
        x = x + act(m @ g("mlp.c_fc.weight") + g("mlp.c_fc.bias")) @ g("mlp.c_proj.weight") + g("mlp.c_proj.bias")
    x = layer_norm(x, W[p + "ln_f.weight"], W[p + "ln_f.bias"], eps)
    head = W.get("lm_head.weight", W[p + "wte.weight"])
    return np.stack(atts), x @ head.T


def bert_forward(c, W, ids):
    p = "bert." if "bert.embeddings.word_embeddings.weight" in W else ""
    H, eps = c["num_attention_heads"], c.get("layer_norm_eps", 1e-12)
    act = ACT[c.get("hidden_act", "gelu")]

    def ln(x, name):
        w = W.get(name + ".weight", W.get(name + ".gamma"))
        b = W.get(name + ".bias", W.get(name + ".beta"))
        return layer_norm(x, w, b, eps)

    def lin(x, name):  # nn.Linear: x Wᵀ + b
        return x @ W[name + ".weight"].T + W[name + ".bias"]

    n = len(ids)
    e = p + "embeddings."
    x = W[e + "word_embeddings.weight"][ids] + W[e + "position_embeddings.weight"][:n] + \
        W[e + "token_type_embeddings.weight"][0]
    x = ln(x, e + "LayerNorm")
    atts = []
    for l in range(c["num_hidden_layers"]):
        b = f"{p}encoder.layer.{l}."
        q, k, v = (heads(lin(x, b + "attention.self." + s), H) for s in ("query", "key", "value"))
        w, ctx = attend(q, k, v, False)
        ctx = ablate(ctx, l, H)
        atts.append(w)
        x = ln(lin(ctx, b + "attention.output.dense") + x, b + "attention.output.LayerNorm")
        x = ln(lin(act(lin(x, b + "intermediate.dense")), b + "output.dense") + x, b + "output.LayerNorm")
    logits = None
    if "cls.predictions.transform.dense.weight" in W:
        t = ln(act(lin(x, "cls.predictions.transform.dense")), "cls.predictions.transform.LayerNorm")
        dec = W.get("cls.predictions.decoder.weight", W[e + "word_embeddings.weight"])
        logits = t @ dec.T + W["cls.predictions.bias"]
    return np.stack(atts), logits


def rotate_half(x):
    h = x.shape[-1] // 2
    return np.concatenate((-x[..., h:], x[..., :h]), axis=-1)


def llama_forward(c, W, ids):
    E, H = c["hidden_size"], c["num_attention_heads"]
    Hkv = c.get("num_key_value_heads", H)
    d = c.get("head_dim", E // H)
    eps, theta = c.get("rms_norm_eps", 1e-6), c.get("rope_theta", 10000.0)
    act = ACT[c.get("hidden_act", "silu")]
    n = len(ids)
    inv_freq = 1.0 / theta ** (np.arange(0, d, 2) / d)
    rs = c.get("rope_scaling") or {}
    kind = rs.get("rope_type", rs.get("type", "default"))
    if kind == "linear":  # modeling_rope_utils._compute_linear_scaling_rope_parameters
        inv_freq = inv_freq / rs["factor"]
    elif kind == "llama3":  # modeling_rope_utils._compute_llama3_parameters
        factor, lo, hi = rs["factor"], rs["low_freq_factor"], rs["high_freq_factor"]
        old = rs["original_max_position_embeddings"]
        wavelen = 2 * math.pi / inv_freq
        scaled = np.where(wavelen > old / lo, inv_freq / factor, inv_freq)
        smooth = (old / wavelen - lo) / (hi - lo)
        smoothed = (1 - smooth) * scaled / factor + smooth * scaled
        medium = ~(wavelen < old / hi) & ~(wavelen > old / lo)
        inv_freq = np.where(medium, smoothed, scaled)
    elif kind != "default":
        raise ValueError(kind)
    freqs = np.arange(n)[:, None] * inv_freq[None, :]
    emb = np.concatenate((freqs, freqs), axis=-1)  # (n, d)
    cos, sin = np.cos(emb), np.sin(emb)

    def lin(x, name):
        y = x @ W[name + ".weight"].T
        return y + W[name + ".bias"] if name + ".bias" in W else y

    x = W["model.embed_tokens.weight"][ids]
    atts = []
    for l in range(c["num_hidden_layers"]):
        b = f"model.layers.{l}."
        a = rms_norm(x, W[b + "input_layernorm.weight"], eps)
        q = heads(lin(a, b + "self_attn.q_proj"), H)
        k = heads(lin(a, b + "self_attn.k_proj"), Hkv)
        v = heads(lin(a, b + "self_attn.v_proj"), Hkv)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k, v = np.repeat(k, H // Hkv, axis=0), np.repeat(v, H // Hkv, axis=0)  # repeat_kv
        w, ctx = attend(q, k, v, True)
        ctx = ablate(ctx, l, H)
        atts.append(w)
        x = x + lin(ctx, b + "self_attn.o_proj")
        m = rms_norm(x, W[b + "post_attention_layernorm.weight"], eps)
        x = x + lin(act(lin(m, b + "mlp.gate_proj")) * lin(m, b + "mlp.up_proj"), b + "mlp.down_proj")
    x = rms_norm(x, W["model.norm.weight"], eps)
    head = W.get("lm_head.weight", W["model.embed_tokens.weight"])
    return np.stack(atts), x @ head.T


def reference(folder, ids):
    c, W = read_checkpoint(folder)
    f = {"gpt2": gpt2_forward, "bert": bert_forward}.get(c["model_type"], llama_forward)
    return f(c, W, np.asarray(ids))

# ---- the fixtures -----------------------------------------------------------------------------

def gpt2_weights(rng, c, prefix):
    E, V, P, L = c["n_embd"], c["vocab_size"], c["n_positions"], c["n_layer"]
    r = lambda *s: rng.normal(0, 0.4, s)
    W = {prefix + "wte.weight": r(V, E), prefix + "wpe.weight": r(P, E)}
    for l in range(L):
        h = f"{prefix}h.{l}."
        W.update({h + "ln_1.weight": 1 + r(E) * 0.3, h + "ln_1.bias": r(E) * 0.3,
                  h + "attn.c_attn.weight": r(E, 3 * E), h + "attn.c_attn.bias": r(3 * E),
                  h + "attn.c_proj.weight": r(E, E), h + "attn.c_proj.bias": r(E),
                  h + "ln_2.weight": 1 + r(E) * 0.3, h + "ln_2.bias": r(E) * 0.3,
                  h + "mlp.c_fc.weight": r(E, 4 * E), h + "mlp.c_fc.bias": r(4 * E),
                  h + "mlp.c_proj.weight": r(4 * E, E), h + "mlp.c_proj.bias": r(E)})
    W.update({prefix + "ln_f.weight": 1 + r(E) * 0.3, prefix + "ln_f.bias": r(E) * 0.3})
    return W


def bert_weights(rng, c, prefix, old_names, mlm, decoder):
    E, V, P, L, F = c["hidden_size"], c["vocab_size"], c["max_position_embeddings"], c["num_hidden_layers"], \
        c["intermediate_size"]
    r = lambda *s: rng.normal(0, 0.4, s)
    g, bb = (".gamma", ".beta") if old_names else (".weight", ".bias")
    e = prefix + "embeddings."
    W = {e + "word_embeddings.weight": r(V, E), e + "position_embeddings.weight": r(P, E),
         e + "token_type_embeddings.weight": r(2, E), e + "LayerNorm" + g: 1 + r(E) * 0.3,
         e + "LayerNorm" + bb: r(E) * 0.3}
    for l in range(L):
        b = f"{prefix}encoder.layer.{l}."
        for s in ("query", "key", "value"):
            W[b + "attention.self." + s + ".weight"], W[b + "attention.self." + s + ".bias"] = r(E, E), r(E)
        W.update({b + "attention.output.dense.weight": r(E, E), b + "attention.output.dense.bias": r(E),
                  b + "attention.output.LayerNorm" + g: 1 + r(E) * 0.3, b + "attention.output.LayerNorm" + bb: r(E) * 0.3,
                  b + "intermediate.dense.weight": r(F, E), b + "intermediate.dense.bias": r(F),
                  b + "output.dense.weight": r(E, F), b + "output.dense.bias": r(E),
                  b + "output.LayerNorm" + g: 1 + r(E) * 0.3, b + "output.LayerNorm" + bb: r(E) * 0.3})
    if mlm:
        W.update({"cls.predictions.transform.dense.weight": r(E, E), "cls.predictions.transform.dense.bias": r(E),
                  "cls.predictions.transform.LayerNorm" + g: 1 + r(E) * 0.3,
                  "cls.predictions.transform.LayerNorm" + bb: r(E) * 0.3, "cls.predictions.bias": r(V)})
        if decoder:
            W["cls.predictions.decoder.weight"] = r(V, E)
    return W


def llama_weights(rng, c, tied, qkv_bias):
    E, V, L, F, H = c["hidden_size"], c["vocab_size"], c["num_hidden_layers"], c["intermediate_size"], \
        c["num_attention_heads"]
    Hkv = c.get("num_key_value_heads", H)
    d = c.get("head_dim", E // H)
    r = lambda *s: rng.normal(0, 0.4, s)
    W = {"model.embed_tokens.weight": r(V, E)}
    for l in range(L):
        b = f"model.layers.{l}."
        W.update({b + "input_layernorm.weight": 1 + r(E) * 0.3,
                  b + "self_attn.q_proj.weight": r(H * d, E), b + "self_attn.k_proj.weight": r(Hkv * d, E),
                  b + "self_attn.v_proj.weight": r(Hkv * d, E), b + "self_attn.o_proj.weight": r(E, H * d),
                  b + "post_attention_layernorm.weight": 1 + r(E) * 0.3,
                  b + "mlp.gate_proj.weight": r(F, E), b + "mlp.up_proj.weight": r(F, E),
                  b + "mlp.down_proj.weight": r(E, F)})
        if qkv_bias:
            W.update({b + "self_attn.q_proj.bias": r(H * d), b + "self_attn.k_proj.bias": r(Hkv * d),
                      b + "self_attn.v_proj.bias": r(Hkv * d)})
    W["model.norm.weight"] = 1 + r(E) * 0.3
    if not tied:
        W["lm_head.weight"] = r(V, E)
    return W


GPT2 = {"model_type": "gpt2", "n_layer": 2, "n_head": 2, "n_embd": 8, "n_positions": 8, "vocab_size": 20,
        "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new"}
BERT = {"model_type": "bert", "num_hidden_layers": 2, "num_attention_heads": 2, "hidden_size": 8,
        "intermediate_size": 16, "max_position_embeddings": 8, "vocab_size": 20, "type_vocab_size": 2,
        "layer_norm_eps": 1e-12, "hidden_act": "gelu"}
LLAMA = {"model_type": "llama", "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
         "hidden_size": 8, "head_dim": 4, "intermediate_size": 12, "max_position_embeddings": 16,
         "vocab_size": 20, "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "hidden_act": "silu",
         "tie_word_embeddings": False}


def fixtures():
    """(folder name, config, weights(rng), shards)."""
    out = []
    for dt in ("F32", "F16", "BF16"):
        s = dt.lower()
        out.append((f"gpt2_{s}", GPT2, lambda rng, c: gpt2_weights(rng, c, "transformer."), 1, dt))
        out.append((f"bert_mlm_{s}", BERT, lambda rng, c: bert_weights(rng, c, "bert.", True, True, False), 1, dt))
        out.append((f"llama_gqa_{s}", LLAMA, lambda rng, c: llama_weights(rng, c, False, False), 1, dt))
        qwen = dict(LLAMA, model_type="qwen2", num_key_value_heads=1, tie_word_embeddings=True, rope_theta=1e6)
        out.append((f"qwen2_{s}", qwen, lambda rng, c: llama_weights(rng, c, True, True), 1, dt))
    out.append(("gpt2_plain_f32", GPT2, lambda rng, c: gpt2_weights(rng, c, ""), 1, "F32"))
    out.append(("bert_base_f32", BERT, lambda rng, c: bert_weights(rng, c, "", False, False, False), 1, "F32"))
    out.append(("bert_mlm_decoder_f32", BERT, lambda rng, c: bert_weights(rng, c, "", False, True, True), 1, "F32"))
    tied = dict(LLAMA, num_key_value_heads=4, tie_word_embeddings=True, head_dim=2)
    out.append(("llama_tied_f32", tied, lambda rng, c: llama_weights(rng, c, True, False), 1, "F32"))
    mistral = dict(LLAMA, model_type="mistral", sliding_window=4096, rope_theta=500000.0)
    out.append(("mistral_sharded_bf16", mistral, lambda rng, c: llama_weights(rng, c, False, False), 2, "BF16"))
    llama3 = dict(LLAMA, num_attention_heads=2, num_key_value_heads=1, head_dim=8, tie_word_embeddings=True,
                  rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                                "high_freq_factor": 4.0, "original_max_position_embeddings": 64})
    out.append(("llama3_scaled_f32", llama3, lambda rng, c: llama_weights(rng, c, True, False), 1, "F32"))
    return out


def generate(root):
    for i, (name, config, make, shards, dt) in enumerate(fixtures()):
        folder = os.path.join(root, name)
        os.makedirs(folder, exist_ok=True)
        rng = np.random.default_rng(1000 + i)
        W = make(rng, config)
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump(config, f, indent=2)
        # save_pretrained writes every tensor in the model's dtype: all get `dt` here.
        dtype_of = lambda _name: dt
        if shards == 1:
            write_safetensors(os.path.join(folder, "model.safetensors"), W, dtype_of, {"format": "pt"})
        else:
            names = list(W)
            parts = [names[: len(names) // 2], names[len(names) // 2:]]
            weight_map = {}
            for s, part in enumerate(parts):
                file = f"model-{s + 1:05d}-of-{len(parts):05d}.safetensors"
                write_safetensors(os.path.join(folder, file), {k: W[k] for k in part}, dtype_of, {"format": "pt"})
                weight_map.update({k: file for k in part})
            with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
                json.dump({"metadata": {"total_size": 0}, "weight_map": weight_map}, f, indent=2)
        n = 7
        ids = rng.integers(0, config["vocab_size"], n)
        atts, logits = reference(folder, ids)
        ref = {"ids": ids.astype(np.float64), "attentions": atts}
        if logits is not None:
            ref["logits"] = logits
        write_safetensors(os.path.join(folder, "reference.safetensors"), ref, lambda _n: "F32")


# Ablated references for existing fixtures: ablation.safetensors next to reference.safetensors,
# tensors "<mode>.attentions" and "<mode>.logits" for each mode over the same ids, the heads
# (as "L.H,…") in the metadata key "heads".
ABLATION_FIXTURES = {"gpt2_f32": [(0, 1), (1, 0)], "llama_gqa_f32": [(0, 2), (1, 1), (1, 3)]}


def generate_ablations(root):
    global ABLATE
    for name, heads_off in ABLATION_FIXTURES.items():
        folder = os.path.join(root, name)
        ids = read_safetensors(os.path.join(folder, "reference.safetensors"))["ids"].astype(np.int64)
        out = {}
        for mode in ("zero", "mean"):
            ABLATE = {lh: mode for lh in heads_off}
            atts, logits = reference(folder, ids)
            out[mode + ".attentions"], out[mode + ".logits"] = atts, logits
        ABLATE = {}
        write_safetensors(os.path.join(folder, "ablation.safetensors"), out, lambda _n: "F32",
                          {"heads": ",".join(f"{l}.{h}" for l, h in heads_off)})


def main():
    global ABLATE
    a = sys.argv[1:]
    if len(a) == 2 and a[0] == "generate":
        generate(a[1])
    elif len(a) == 2 and a[0] == "generate-ablations":
        generate_ablations(a[1])
    elif len(a) >= 2 and a[0] == "print":
        # print FOLDER IDS [--ablate L.H,…] [--mean]: the top token after the last id (by hand).
        mode = "mean" if "--mean" in a else "zero"
        if "--ablate" in a:
            spec = a[a.index("--ablate") + 1]
            ABLATE = {tuple(int(x) for x in item.split(".")): mode for item in spec.split(",")}
        ids = [int(x) for x in a[2].split(",")] if len(a) > 2 and not a[2].startswith("--") else [1, 2, 3]
        atts, logits = reference(a[1], np.asarray(ids))
        print(int(np.argmax(logits[-1])))
    else:
        sys.exit("usage: hf_reference_forward.py generate OUTDIR | generate-ablations OUTDIR | "
                 "print FOLDER IDS [--ablate L.H,...] [--mean]")


if __name__ == "__main__":
    main()
