#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# An independent check of attnviz's seq2seq forward pass: the d2l (v0.17) encoder-decoder with
# Bahdanau attention in eval mode, written out in pure Python from the PyTorch formulas (nn.GRU
# gate order r, z, n; d2l AdditiveAttention with the -1e6 mask; decoder input cat(context,
# embedding)), reading a safetensors model file, greedy decoding as predict_seq2seq. Prints JSON
# {"translation", "attention"} to compare with `attnviz translate --model FILE SENTENCE`.
#
#   python3 tests/data/seq2seq_reference_forward.py model.safetensors "i'm home ."
#
# Measured on a fra.txt model (250 epochs): same translations, attention within 2.5e-7.
import json, math, struct, sys
path, sentence = sys.argv[1], sys.argv[2]
raw = open(path, 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
hdr = json.loads(raw[8:8+n]); base = 8 + n
meta = hdr.pop('__metadata__')
T = {}
for k, v in hdr.items():
    b, e = v['data_offsets']; vals = struct.unpack('<%df' % ((e-b)//4), raw[base+b:base+e])
    sh = v['shape']
    T[k] = [list(vals[i*sh[1]:(i+1)*sh[1]]) for i in range(sh[0])] if len(sh) == 2 else list(vals)
src_vocab = json.loads(meta['src_vocab']); tgt_vocab = json.loads(meta['tgt_vocab']); steps = int(meta['num_steps'])
L = int(meta['num_layers']); H = int(meta['num_hiddens'])
def mv(W, x): return [sum(w*xi for w, xi in zip(row, x)) for row in W]
def add(a, b): return [x+y for x, y in zip(a, b)]
sig = lambda x: 1/(1+math.exp(-x))
def gru_cell(p, l, x, h):
    gi = add(mv(T[f'{p}.weight_ih_l{l}'], x), T[f'{p}.bias_ih_l{l}'])
    gh = add(mv(T[f'{p}.weight_hh_l{l}'], h), T[f'{p}.bias_hh_l{l}'])
    r = [sig(gi[j]+gh[j]) for j in range(H)]; z = [sig(gi[H+j]+gh[H+j]) for j in range(H)]
    nn = [math.tanh(gi[2*H+j] + r[j]*gh[2*H+j]) for j in range(H)]
    return [(1-z[j])*nn[j] + z[j]*h[j] for j in range(H)]
stoi = {t: i for i, t in enumerate(src_vocab)}
toks = [stoi.get(t, 0) for t in sentence.lower().split(' ')] + [stoi['<eos>']]
valid = len(toks); toks = (toks + [stoi['<pad>']]*steps)[:steps]
h = [[0.0]*H for _ in range(L)]; outs = []
for t in toks:
    x = T['encoder.embedding.weight'][t]
    for l in range(L):
        h[l] = gru_cell('encoder.rnn', l, x, h[l]); x = h[l]
    outs.append(x)
keys = [mv(T['decoder.attention.W_k.weight'], o) for o in outs]
dec_in = tgt_vocab.index('<bos>'); result = []; atts = []
for _ in range(steps):
    q = mv(T['decoder.attention.W_q.weight'], h[L-1])
    scores = [sum(w*math.tanh(qi+ki) for w, qi, ki in zip(T['decoder.attention.w_v.weight'][0], q, k)) if i < valid else -1e6 for i, k in enumerate(keys)]
    m = max(scores); e = [math.exp(s-m) for s in scores]; a = [x/sum(e) for x in e]
    ctx = [sum(a[i]*outs[i][j] for i in range(steps)) for j in range(H)]
    x = ctx + T['decoder.embedding.weight'][dec_in]
    for l in range(L):
        h[l] = gru_cell('decoder.rnn', l, x, h[l]); x = h[l]
    logits = add(mv(T['decoder.dense.weight'], x), T['decoder.dense.bias'])
    dec_in = max(range(len(logits)), key=lambda i: logits[i]); atts.append(a)
    if tgt_vocab[dec_in] == '<eos>': break
    result.append(tgt_vocab[dec_in])
print(json.dumps({"translation": ' '.join(result), "attention": atts}))
