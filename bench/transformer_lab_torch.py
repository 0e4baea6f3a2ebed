#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""PyTorch reference for the Transformer lab's speed: the same GPT-2 configuration written as
nanoGPT writes it (model.py: CausalSelfAttention with a fused c_attn and the manual masked
softmax, MLP with c_fc / GELU (tanh, as gelu_new) / c_proj, pre-LayerNorm blocks, tied lm_head;
train.py: AdamW betas (0.9, 0.95), decoupled weight decay on 2-D parameters, grad clip 1,
linear warm-up), trained on the induction task generated on the fly, eager mode on the CPU.

Run on one thread, as the benchmark compares:
    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /usr/bin/python3 bench/transformer_lab_torch.py \
        --layers 2 --heads 4 --embd 64 --ctx 32 --vocab 32 --batch 32 --steps 300
Prints one JSON line: the configuration, seconds, tokens_per_second (steps x batch x (ctx - 1)
/ seconds, the first 20 steps excluded as warm-up of the allocator), the same per second of CPU
time (tokens_per_cpu_second: what attnviz_bench_transformer reports, fairer on a shared
machine), final loss and the second-copy accuracy of the last batch.
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
from torch.nn import functional as F


class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head, ctx):
        super().__init__()
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.c_proj = nn.Linear(n_embd, n_embd)
        self.n_head, self.n_embd = n_head, n_embd
        self.register_buffer("bias", torch.tril(torch.ones(ctx, ctx)).view(1, 1, ctx, ctx))

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float("-inf"))
        att = F.softmax(att, dim=-1)
        y = att @ v
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)


class MLP(nn.Module):
    def __init__(self, n_embd):
        super().__init__()
        self.c_fc = nn.Linear(n_embd, 4 * n_embd)
        self.gelu = nn.GELU(approximate="tanh")
        self.c_proj = nn.Linear(4 * n_embd, n_embd)

    def forward(self, x):
        return self.c_proj(self.gelu(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, n_embd, n_head, ctx):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd)
        self.attn = CausalSelfAttention(n_embd, n_head, ctx)
        self.ln_2 = nn.LayerNorm(n_embd)
        self.mlp = MLP(n_embd)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, layers, heads, embd, ctx, vocab):
        super().__init__()
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(vocab, embd), wpe=nn.Embedding(ctx, embd),
            h=nn.ModuleList([Block(embd, heads, ctx) for _ in range(layers)]), ln_f=nn.LayerNorm(embd)))
        self.lm_head = nn.Linear(embd, vocab, bias=False)
        self.transformer.wte.weight = self.lm_head.weight  # tied
        self.apply(self._init_weights)
        for pn, p in self.named_parameters():
            if pn.endswith("c_proj.weight"):
                torch.nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * layers))

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                torch.nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(self, idx, targets):
        B, T = idx.size()
        pos = torch.arange(0, T, dtype=torch.long)
        x = self.transformer.wte(idx) + self.transformer.wpe(pos)
        for block in self.transformer.h:
            x = block(x)
        logits = self.lm_head(self.transformer.ln_f(x))
        return logits, F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))


def induction_batch(B, ctx, vocab, gen):
    """k random tokens, the same k again, fresh tokens; k from [max(2, ctx/8), ctx/2]."""
    seq = torch.randint(0, vocab, (B, ctx), generator=gen)
    ks = torch.randint(max(2, ctx // 8), ctx // 2 + 1, (B,), generator=gen)
    scored = torch.zeros(B, ctx - 1, dtype=torch.bool)
    for b in range(B):
        k = int(ks[b])
        seq[b, k:2 * k] = seq[b, :k]
        scored[b, k:2 * k - 1] = True
    return seq[:, :-1].contiguous(), seq[:, 1:].contiguous(), scored


def main():
    ap = argparse.ArgumentParser()
    for name, default in [("layers", 2), ("heads", 4), ("embd", 64), ("ctx", 32), ("vocab", 32), ("batch", 32),
                          ("steps", 300), ("warmup", 100), ("seed", 1)]:
        ap.add_argument("--" + name, type=int, default=default)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--weight-decay", type=float, default=0.1)
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    model = GPT(a.layers, a.heads, a.embd, a.ctx, a.vocab)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": a.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], lr=a.lr, betas=(0.9, 0.95))
    skip = min(20, a.steps // 5)
    t0 = None
    for step in range(1, a.steps + 1):
        if step == skip + 1:
            t0 = time.perf_counter()
            c0 = time.process_time()
        lr = a.lr * min(1.0, step / a.warmup) if a.warmup > 0 else a.lr
        for g in opt.param_groups:
            g["lr"] = lr
        x, y, scored = induction_batch(a.batch, a.ctx, a.vocab, gen)
        logits, loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    seconds = time.perf_counter() - t0
    cpu_seconds = time.process_time() - c0
    timed = a.steps - skip
    acc = (logits.argmax(-1) == y)[scored].float().mean().item()
    print(json.dumps(dict(layers=a.layers, heads=a.heads, embd=a.embd, ctx=a.ctx, vocab=a.vocab, batch=a.batch,
                          steps=a.steps, lr=a.lr, seed=a.seed, torch=torch.__version__,
                          threads=torch.get_num_threads(), seconds=seconds,
                          tokens_per_second=timed * a.batch * (a.ctx - 1) / seconds,
                          cpu_seconds=cpu_seconds,
                          tokens_per_cpu_second=timed * a.batch * (a.ctx - 1) / cpu_seconds,
                          final_loss=loss.item(), accuracy=acc)))


if __name__ == "__main__":
    main()
