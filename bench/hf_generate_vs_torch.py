#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Greedy generation with a key/value cache: attnviz against PyTorch eager, one thread.

The checkpoint is hf_run_vs_torch.py's GPT-2 small configuration (12 layers x 12 heads x 768,
vocabulary 50257, 1024 positions, float32 random weights: 498 MB), written to --dir when it is
not there yet. Then, on a 16-token prompt followed by 64 greedy tokens:

  torch    a minimal GPT-2 with past keys and values (nanoGPT's model.py layout, nn.Linear
           weights; each step feeds one token, appends its keys and values to the cache with
           torch.cat as transformers' legacy cache does, and runs the LM head on that one row),
           float32, inference_mode, torch.set_num_threads(1) and OPENBLAS_NUM_THREADS=1, OpenBLAS
           first on LD_LIBRARY_PATH (see hf_run_vs_torch.py: Debian's torch otherwise calls the
           netlib reference BLAS); the steps' time only, the median tokens/s over --runs runs
  attnviz  build/bin/attnviz_bench_hf_generate (Google Benchmark, greedy, one thread, the same
           prompt, 64 steps, its median over --runs repetitions), which also measures the
           memory read bandwidth in the same process and reports the bound (bandwidth / weight
           bytes: each token reads every weight once) and the fraction of it reached

It prints one JSON object: both medians, the ratio, the bandwidth, the bound and the fraction.

Usage: /usr/bin/python3 bench/hf_generate_vs_torch.py [--bench build/bin/attnviz_bench_hf_generate]
           [--dir /tmp/attnviz-bench-gpt2-small] [--runs 5] [--openblas DIR] [--skip-attnviz]
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time

os.environ["OPENBLAS_NUM_THREADS"] = "1"  # before numpy and torch load OpenBLAS
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hf_run_vs_torch as base  # noqa: E402  the checkpoint writer and reader

import numpy as np  # noqa: E402

PROMPT, STEPS = 16, 64


def prompt_ids():
    """The benchmark's prompt (bench_hf_generate.cpp: (i * 7919) % vocabulary)."""
    return [(i * 7919) % base.VOCAB for i in range(PROMPT)]


def torch_generate(folder, runs):
    import torch
    from torch.nn import functional as F

    torch.set_num_threads(1)
    E, H = base.HIDDEN, base.HEADS
    d = E // H
    w = base.read_safetensors(os.path.join(folder, "model.safetensors"))

    def t(name, transpose=False):
        a = torch.from_numpy(np.array(w["transformer." + name]))
        return a.t().contiguous() if transpose else a  # Conv1D (in, out) -> nn.Linear (out, in)

    wte, wpe = t("wte.weight"), t("wpe.weight")
    layers = []
    for i in range(base.LAYERS):
        p = "h.%d." % i
        layers.append(dict(ln1=(t(p + "ln_1.weight"), t(p + "ln_1.bias")),
                           attn=(t(p + "attn.c_attn.weight", True), t(p + "attn.c_attn.bias")),
                           proj=(t(p + "attn.c_proj.weight", True), t(p + "attn.c_proj.bias")),
                           ln2=(t(p + "ln_2.weight"), t(p + "ln_2.bias")),
                           fc=(t(p + "mlp.c_fc.weight", True), t(p + "mlp.c_fc.bias")),
                           fc2=(t(p + "mlp.c_proj.weight", True), t(p + "mlp.c_proj.bias"))))
    lnf = (t("ln_f.weight"), t("ln_f.bias"))

    def forward(ids, past, start):
        """ids (1, n) at positions start ... start + n - 1; past: per layer (k, v) of (1, H, start, d)
        or None. Returns the last position's logits and the grown cache."""
        n = ids.shape[1]
        x = F.embedding(ids, wte) + wpe[start:start + n]
        cache = []
        for layer, kv in zip(layers, past or [None] * len(layers)):
            a = F.layer_norm(x, (E,), *layer["ln1"], 1e-5)
            q, k, v = F.linear(a, *layer["attn"]).split(E, dim=2)
            q, k, v = (z.view(1, n, H, d).transpose(1, 2) for z in (q, k, v))
            if kv is not None:
                k, v = torch.cat([kv[0], k], dim=2), torch.cat([kv[1], v], dim=2)
            cache.append((k, v))
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(d))
            if n > 1:  # the prompt: causal mask; one new token sees every cached key
                mask = torch.ones(n, n, dtype=torch.bool).tril()
                att = att.masked_fill(~mask, float("-inf"))
            y = (F.softmax(att, dim=-1) @ v).transpose(1, 2).reshape(1, n, E)
            x = x + F.linear(y, *layer["proj"])
            b = F.layer_norm(x, (E,), *layer["ln2"], 1e-5)
            x = x + F.linear(F.gelu(F.linear(b, *layer["fc"]), approximate="tanh"), *layer["fc2"])
        x = F.layer_norm(x[:, -1:, :], (E,), *lnf, 1e-5)
        return F.linear(x, wte)[0, -1], cache  # the LM head (tied) on the last row only

    rates, generated = [], None
    with torch.inference_mode():
        for run in range(runs + 1):  # the first run warms up
            logits, cache = forward(torch.tensor([prompt_ids()]), None, 0)
            ids = []
            t0 = time.perf_counter()
            for step in range(STEPS):
                nxt = int(torch.argmax(logits))
                ids.append(nxt)
                logits, cache = forward(torch.tensor([[nxt]]), cache, PROMPT + step)
            if run > 0:
                rates.append(STEPS / (time.perf_counter() - t0))
            generated = ids
    with open("/proc/self/maps") as f:
        blas = sorted({line.split()[-1] for line in f if "blas" in line.lower() and "/" in line})
    return rates, generated, torch.__version__, blas


def torch_in_child(folder, runs, openblas):
    env = dict(os.environ)
    if openblas:
        env["LD_LIBRARY_PATH"] = openblas + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    r = subprocess.run([sys.executable, os.path.abspath(__file__), "--torch-child", folder, "--runs", str(runs)],
                       env=env, check=True, capture_output=True, text=True)
    return json.loads(r.stdout)


def attnviz_run(bench, folder, runs):
    env = dict(os.environ, ATTNVIZ_GPT2_SMALL_DIR=folder)
    out = subprocess.run([bench, "--benchmark_filter=BM_HfGpt2SmallGenerate/64/1/",
                          "--benchmark_repetitions=%d" % runs, "--benchmark_format=json"],
                         env=env, check=True, capture_output=True, text=True).stdout
    rows = [b for b in json.loads(out)["benchmarks"] if b.get("run_type") == "iteration"]
    med = lambda key: statistics.median(b[key] for b in rows)  # noqa: E731
    return dict(tokens_per_s=med("tokens_per_s"), bandwidth_GBps=med("bandwidth_GBps"),
                bound_tokens_per_s=med("bound_tokens_per_s"), fraction_of_bound=med("fraction_of_bound"),
                weight_MB=med("weight_MB"), repetitions=[b["tokens_per_s"] for b in rows],
                first_ids=[int(x) for x in rows[0].get("label", "ids").split()[1:]])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bench", default=os.path.join(os.path.dirname(__file__), "..", "build", "bin",
                                                    "attnviz_bench_hf_generate"))
    ap.add_argument("--dir", default="/tmp/attnviz-bench-gpt2-small")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--openblas", default=os.environ.get("ATTNVIZ_OPENBLAS_DIR",
                                                         "/usr/lib/x86_64-linux-gnu/openblas-pthread"))
    ap.add_argument("--skip-attnviz", action="store_true")
    ap.add_argument("--torch-child", metavar="DIR")
    a = ap.parse_args()
    if a.torch_child:
        rates, ids, version, blas = torch_generate(a.torch_child, a.runs)
        print(json.dumps(dict(rates=rates, ids=ids, version=version, blas=blas)))
        return 0
    if not os.path.exists(os.path.join(a.dir, "model.safetensors")):
        base.write_checkpoint(a.dir)
    openblas = a.openblas if os.path.isdir(a.openblas) else ""
    child = torch_in_child(a.dir, a.runs, openblas)
    report = dict(torch=dict(tokens_per_s=statistics.median(child["rates"]), runs=child["rates"],
                             version=child["version"], blas=child["blas"], first_ids=child["ids"][:8]))
    if not a.skip_attnviz:
        report["attnviz"] = attnviz_run(os.path.abspath(a.bench), a.dir, a.runs)
        report["ratio_attnviz_over_torch"] = report["attnviz"]["tokens_per_s"] / report["torch"]["tokens_per_s"]
        # Both generate the same tokens (the same model; greedy on random weights).
        report["same_first_ids"] = report["attnviz"]["first_ids"] == report["torch"]["first_ids"]
    with open("/proc/loadavg") as f:
        report["loadavg"] = f.read().split()[:3]
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
