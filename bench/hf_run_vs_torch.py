#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The whole `attnviz run` process against PyTorch's in-process float32 forward, one thread.

Writes a GPT-2 small configuration (12 layers x 12 heads x 768, vocabulary 50257, 1024
positions, float32 random weights: 498 MB) as a Hugging Face folder (config.json +
model.safetensors, GPT2LMHeadModel names, tied head), then measures on 128 token ids:

  attnviz   the whole process, start to exit (by default after the weight file was dropped from
            the page cache and read back from disk by one untimed run: see evict_from_page_cache): `attnviz run --model DIR --ids <128 ids> --threads 1
            --save-attentions /tmp/x.safetensors` (opening, mapping, the forward, every attention
            written); hyperfine when installed, else repeated runs; the median
  torch     a plain GPT-2 written as nanoGPT writes it (model.py), the same weights, float32,
            eval + no_grad, torch.set_num_threads(1) and OPENBLAS_NUM_THREADS=1 (torch's
            thread setting does not bound OpenBLAS); the attention matrices are kept, the LM
            head runs on the last position (nanoGPT at inference); the median forward in-process
            after warm-up. The full-logits variant (every position, as GPT2LMHeadModel does) too.
  memory    the attnviz run's peak RSS (/usr/bin/time -v) against the weight file's size

Debian's python3-torch calls whatever libblas.so.3 the alternatives system points to; on a
machine where that is the netlib reference BLAS, torch's matrix products are ~40x slower than
with OpenBLAS. The torch side therefore runs in a child process with OpenBLAS's directory first
on LD_LIBRARY_PATH: --openblas DIR, or $ATTNVIZ_OPENBLAS_DIR, or the system's
/usr/lib/x86_64-linux-gnu/openblas-pthread. Without installing anything:
    apt-get download libopenblas0-pthread && dpkg -x libopenblas0-pthread_*.deb /tmp/openblas
    --openblas /tmp/openblas/usr/lib/x86_64-linux-gnu/openblas-pthread
The report names the BLAS torch loaded.

It also checks that both compute the same model: attnviz's next-token top 5 against torch's.

Usage: /usr/bin/python3 bench/hf_run_vs_torch.py [--attnviz build/bin/attnviz] [--dir /tmp/...]
                                                  [--runs 15] [--rewrite] [--page-cache from-disk|as-is]
"""
import argparse
import json
import math
import os
import shutil
import statistics
import struct
import subprocess
import sys
import time

os.environ["OPENBLAS_NUM_THREADS"] = "1"  # before numpy and torch load OpenBLAS
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"

import numpy as np  # noqa: E402

LAYERS, HEADS, HIDDEN, VOCAB, POSITIONS = 12, 12, 768, 50257, 1024
N_TOKENS = 128


def gpt2_shapes():
    """GPT2LMHeadModel's tensors (Conv1D weights are in x out), in file order."""
    d = HIDDEN
    t = [("transformer.wte.weight", (VOCAB, d)), ("transformer.wpe.weight", (POSITIONS, d))]
    for i in range(LAYERS):
        p = "transformer.h.%d." % i
        t += [(p + "ln_1.weight", (d,)), (p + "ln_1.bias", (d,)),
              (p + "attn.c_attn.weight", (d, 3 * d)), (p + "attn.c_attn.bias", (3 * d,)),
              (p + "attn.c_proj.weight", (d, d)), (p + "attn.c_proj.bias", (d,)),
              (p + "ln_2.weight", (d,)), (p + "ln_2.bias", (d,)),
              (p + "mlp.c_fc.weight", (d, 4 * d)), (p + "mlp.c_fc.bias", (4 * d,)),
              (p + "mlp.c_proj.weight", (4 * d, d)), (p + "mlp.c_proj.bias", (d,))]
    t += [("transformer.ln_f.weight", (d,)), ("transformer.ln_f.bias", (d,))]
    return t


def write_checkpoint(folder):
    """config.json and model.safetensors (8-byte little-endian header length, JSON header, the
    raw little-endian float32 bytes), one tensor at a time so the writer stays small."""
    os.makedirs(folder, exist_ok=True)
    config = {"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "n_layer": LAYERS, "n_head": HEADS,
              "n_embd": HIDDEN, "n_positions": POSITIONS, "n_ctx": POSITIONS, "vocab_size": VOCAB,
              "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new"}
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    shapes = gpt2_shapes()
    header, offset = {}, 0
    for name, shape in shapes:
        size = 4 * int(np.prod(shape))
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    rng = np.random.default_rng(2026)
    path = os.path.join(folder, "model.safetensors")
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for name, shape in shapes:
            if name.endswith(("ln_1.weight", "ln_2.weight", "ln_f.weight")):
                a = np.ones(shape, np.float32)
            elif name.endswith(".bias"):
                a = np.zeros(shape, np.float32)
            else:  # GPT-2's initialisation scale
                a = rng.standard_normal(shape, dtype=np.float32) * np.float32(0.02)
            f.write(a.astype("<f4").tobytes())
    os.replace(path + ".tmp", path)


def read_safetensors(path):
    """name -> numpy array mapped from the file (no copy)."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + n)
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        out[name] = data[b:end].view("<f4").reshape(e["shape"])
    return out


def torch_forward_times(folder, ids, runs, full_logits):
    import torch
    import torch.nn as nn
    from torch.nn import functional as F

    torch.set_num_threads(1)

    # ---- nanoGPT's model.py, as written there (the attention kept as output) ----
    class CausalSelfAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.c_attn = nn.Linear(HIDDEN, 3 * HIDDEN)
            self.c_proj = nn.Linear(HIDDEN, HIDDEN)
            self.n_head = HEADS
            self.register_buffer("bias", torch.tril(torch.ones(POSITIONS, POSITIONS)).view(1, 1, POSITIONS, POSITIONS))

        def forward(self, x):
            B, T, C = x.size()
            q, k, v = self.c_attn(x).split(C, dim=2)
            k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
            q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
            v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
            att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float("-inf"))
            att = F.softmax(att, dim=-1)
            y = att @ v
            y = y.transpose(1, 2).contiguous().view(B, T, C)
            return self.c_proj(y), att

    class MLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.c_fc = nn.Linear(HIDDEN, 4 * HIDDEN)
            self.gelu = nn.GELU(approximate="tanh")
            self.c_proj = nn.Linear(4 * HIDDEN, HIDDEN)

        def forward(self, x):
            return self.c_proj(self.gelu(self.c_fc(x)))

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1 = nn.LayerNorm(HIDDEN)
            self.attn = CausalSelfAttention()
            self.ln_2 = nn.LayerNorm(HIDDEN)
            self.mlp = MLP()

        def forward(self, x):
            y, att = self.attn(self.ln_1(x))
            x = x + y
            x = x + self.mlp(self.ln_2(x))
            return x, att

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.transformer = nn.ModuleDict(dict(
                wte=nn.Embedding(VOCAB, HIDDEN), wpe=nn.Embedding(POSITIONS, HIDDEN),
                h=nn.ModuleList([Block() for _ in range(LAYERS)]), ln_f=nn.LayerNorm(HIDDEN)))
            self.lm_head = nn.Linear(HIDDEN, VOCAB, bias=False)
            self.transformer.wte.weight = self.lm_head.weight  # tied

        def forward(self, idx, full_logits=False):
            t = idx.size(1)
            pos = torch.arange(0, t, dtype=torch.long)
            x = self.transformer.wte(idx) + self.transformer.wpe(pos)
            attentions = []
            for block in self.transformer.h:
                x, att = block(x)
                attentions.append(att)
            x = self.transformer.ln_f(x)
            logits = self.lm_head(x if full_logits else x[:, [-1], :])
            return logits, attentions

    model = GPT()
    weights = read_safetensors(os.path.join(folder, "model.safetensors"))
    state = model.state_dict()
    conv1d = ("attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight", "mlp.c_proj.weight")
    with torch.no_grad():
        for name, a in weights.items():
            t = torch.from_numpy(np.array(a))
            if name.endswith(conv1d):
                t = t.t()  # Conv1D (in, out) -> Linear (out, in), as nanoGPT's from_pretrained does
            state[name].copy_(t)
        state["lm_head.weight"].copy_(torch.from_numpy(np.array(weights["transformer.wte.weight"])))
    model.eval()
    idx = torch.tensor([ids], dtype=torch.long)
    times, cpu = [], []
    with torch.no_grad():
        for _ in range(2):
            logits, _ = model(idx, full_logits)
        for _ in range(runs):
            t0, c0 = time.perf_counter(), time.process_time()
            logits, atts = model(idx, full_logits)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    probs = torch.softmax(logits[0, -1].double(), dim=-1)
    top = torch.topk(probs, 5)
    with open("/proc/self/maps") as f:
        blas = sorted({line.split()[-1] for line in f if "blas" in line.lower() and "/" in line})
    return times, cpu, [(int(i), float(p)) for p, i in zip(top.values, top.indices)], torch.__version__, blas


def torch_in_child(folder, ids, runs, openblas):
    """Runs torch_forward_times in a child process whose LD_LIBRARY_PATH puts OpenBLAS first."""
    env = dict(os.environ)
    if openblas:
        env["LD_LIBRARY_PATH"] = openblas + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    r = subprocess.run([sys.executable, os.path.abspath(__file__), "--torch-child", folder, "--runs", str(runs),
                        "--ids", ",".join(map(str, ids))], env=env, capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError("the torch child failed: " + r.stderr[-2000:])
    return json.loads(r.stdout)


def attnviz_command(exe, folder, ids, out):
    return [exe, "run", "--model", folder, "--ids", ",".join(map(str, ids)), "--threads", "1",
            "--save-attentions", out, "--compact"]


def time_attnviz(cmd, runs):
    """Wall seconds per run (hyperfine's when installed) and CPU seconds per run (user + system
    of the child, from os.times around each run of our own loop)."""
    for _ in range(2):
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    times, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), os.times()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t0)
        c1 = os.times()
        cpu.append(c1.children_user - c0.children_user + c1.children_system - c0.children_system)
    if shutil.which("hyperfine"):
        report = "/tmp/attnviz-hyperfine.json"
        quoted = " ".join("'%s'" % c for c in cmd)
        subprocess.run(["hyperfine", "-N", "--warmup", "2", "--runs", str(runs), "--export-json", report,
                        "--output", "null", quoted], check=True, stdout=subprocess.DEVNULL)
        with open(report) as f:
            return json.load(f)["results"][0]["times"], cpu, "hyperfine (wall), repeated runs (CPU)"
    return times, cpu, "repeated runs"


def evict_from_page_cache(path):
    """Writes back and drops `path`'s cached pages: the next reader reads it from disk.

    Why it matters: mapping the 498 MB costs the kernel one page-table entry per cached page. A
    file the kernel read itself sits in large folios (2 MB on this machine's 6.18 kernel with
    ext4), which it maps whole; a file just written by Python sits in the small folios its writes
    made. Measured here: touching every page of the mapping and unmapping it took 3-4 ms for the
    first, 25-55 ms for the second."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def file_huge_pages_kb():
    """/proc/meminfo's FileHugePages: page cache held in PMD-size folios (None elsewhere)."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("FileHugePages:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def peak_rss_kb(cmd):
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True, check=True)
    for line in r.stderr.splitlines():
        if "Maximum resident set size" in line:
            return int(line.split(":")[1])
    raise RuntimeError("no peak RSS in /usr/bin/time's report")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--attnviz", default=os.path.join(here, "..", "build", "bin", "attnviz"))
    ap.add_argument("--dir", default="/tmp/attnviz-bench-gpt2-small")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--rewrite", action="store_true")
    ap.add_argument("--page-cache", choices=["from-disk", "as-is"], default="from-disk",
                    help="from-disk (default): drop the weight file from the page cache first, so the first "
                         "(untimed) run reads it from disk as a model in the Hugging Face cache is read after "
                         "a reboot; as-is: keep whatever the cache holds (e.g. the pages the writer left)")
    ap.add_argument("--openblas", default=os.environ.get("ATTNVIZ_OPENBLAS_DIR", "/usr/lib/x86_64-linux-gnu/openblas-pthread"))
    ap.add_argument("--torch-child", metavar="DIR", help=argparse.SUPPRESS)
    ap.add_argument("--ids", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.torch_child:
        ids = [int(x) for x in a.ids.split(",")]
        last, last_cpu, top, version, blas = torch_forward_times(a.torch_child, ids, a.runs, False)
        full, full_cpu, _, _, _ = torch_forward_times(a.torch_child, ids, a.runs, True)
        print(json.dumps({"last": last, "last_cpu": last_cpu, "full": full, "full_cpu": full_cpu, "top": top,
                          "version": version, "blas": blas}))
        return 0
    openblas = a.openblas if os.path.isdir(a.openblas) else ""

    weights = os.path.join(a.dir, "model.safetensors")
    if a.rewrite or not os.path.exists(weights):
        t0 = time.perf_counter()
        write_checkpoint(a.dir)
        print("wrote %s in %.1f s" % (a.dir, time.perf_counter() - t0), file=sys.stderr)
    size = os.path.getsize(weights)
    ids = [int(i) for i in np.random.default_rng(7).integers(0, VOCAB, N_TOKENS)]

    out = "/tmp/x.safetensors"
    cmd = attnviz_command(os.path.abspath(a.attnviz), a.dir, ids, out)
    first_run = None
    if a.page_cache == "from-disk":
        evict_from_page_cache(weights)
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        first_run = time.perf_counter() - t0
    run = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    ours, ours_cpu, how = time_attnviz(cmd, a.runs)
    rss = peak_rss_kb(cmd) * 1024

    child = torch_in_child(a.dir, ids, a.runs, openblas)
    torch_last, torch_full, top_torch, version = child["last"], child["full"], child["top"], child["version"]

    same = all(x["id"] == i and abs(x["probability"] - p) < 1e-4 for x, (i, p) in zip(run["next"], top_torch))
    m_ours, m_torch, m_full = (statistics.median(t) for t in (ours, torch_last, torch_full))
    # CPU seconds (user + system): on a shared machine the wall clock also counts the time other
    # processes held the core; the CPU time of a one-thread run does not.
    c_ours, c_torch, c_full = (statistics.median(t) for t in (ours_cpu, child["last_cpu"], child["full_cpu"]))
    result = {
        "model": "GPT-2 small configuration, random float32 weights",
        "weight_bytes": size,
        "tokens": N_TOKENS,
        "attnviz_process_seconds_median": round(m_ours, 4),
        "attnviz_process_seconds_min_max": [round(min(ours), 4), round(max(ours), 4)],
        "attnviz_forward_seconds_in_process": round(run["timing"]["forward_seconds"], 4),
        "attnviz_timed_with": how,
        "page_cache": a.page_cache,
        "attnviz_first_run_reading_from_disk_seconds": round(first_run, 4) if first_run else None,
        "file_huge_pages_kb": file_huge_pages_kb(),
        "torch_forward_seconds_median_last_position_head": round(m_torch, 4),
        "torch_forward_seconds_median_full_logits": round(m_full, 4),
        "torch_version": version,
        "torch_blas": child["blas"],
        "ratio_attnviz_process_to_torch": round(m_ours / m_torch, 3),
        "ratio_attnviz_process_to_torch_full_logits": round(m_ours / m_full, 3),
        "cpu_seconds_median": {"attnviz_process": round(c_ours, 4), "torch_last_position_head": round(c_torch, 4),
                               "torch_full_logits": round(c_full, 4),
                               "ratio_attnviz_to_torch": round(c_ours / c_torch, 3)},
        "load_average_1min": os.getloadavg()[0],
        "peak_rss_bytes": rss,
        "peak_rss_to_weights": round(rss / size, 3),
        "same_next_token_top5": same,
        "runs": a.runs,
    }
    print(json.dumps(result, indent=2))
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
