#!/usr/bin/env python3
"""PyTorch CPU reference for bench/engine.bench.ts: the same Conv-4, shapes and episode protocol.

Three numbers, medians, 2 threads (the browser's wasm backend runs 2 on this machine):
  1. Conv-4 embedding throughput, batch 100, at 84x84x3 and 224x224x3 (eval mode, no_grad).
  2. A full cached cell: 1000 uint8 224x224x3 images (already in memory: no storage layer, unlike the
     browser's IndexedDB stream), resized to 84x84 and embedded once, then 600 episodes of 5-way 5-shot
     15-query ProtoNet with accuracy and macro AUROC per episode.
  3. Meta-training steps/s: Conv-4 in train mode on one 100-image 84x84 episode, ProtoNet loss, Adam.

Writes bench/results/engine-torch.json; the browser benchmark reads it and prints ratios.
Usage (Debian: apt-get install python3-torch, then /usr/bin/python3):
  python3 bench/reference/protonet_torch.py [--threads 2] [--quick] [--only-train]
"""

import argparse
import copy
import json
import os
import platform
import statistics
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def conv4(channels: int = 3, width: int = 64) -> nn.Sequential:
    """Snell et al.'s Conv-4, as src/engine/fewshot/encoders/conv4.ts (conv without bias, then BatchNorm)."""
    layers = []
    cin = channels
    for _ in range(4):
        layers += [nn.Conv2d(cin, width, 3, padding=1, bias=False), nn.BatchNorm2d(width), nn.ReLU(), nn.MaxPool2d(2)]
        cin = width
    layers.append(nn.Flatten())
    return nn.Sequential(*layers)


def conv4_flops(size: int, channels: int = 3, width: int = 64) -> float:
    flops, s, cin = 0.0, size, channels
    for _ in range(4):
        flops += 2 * s * s * 9 * cin * width
        s //= 2
        cin = width
    return flops


def timed(fn, rounds: int):
    fn()  # warm-up
    ms = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        ms.append((time.perf_counter() - t0) * 1000)
    return statistics.median(ms), ms


def embed_throughput(model: nn.Module, size: int, rounds: int) -> dict:
    x = torch.rand(100, 3, size, size)

    def run():
        with torch.no_grad():
            model(x)

    med, ms = timed(run, rounds)
    ips = 100 / (med / 1000)
    return {"median_ms": med, "ms": ms, "images_per_s": ips, "gflops": ips * conv4_flops(size) / 1e9}


def auroc(scores: np.ndarray, positive: np.ndarray) -> float:
    """Mann-Whitney AUROC with mid-ranks for ties (as src/core/stats/auroc.ts)."""
    n_pos = int(positive.sum())
    n_neg = len(positive) - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(scores, kind="mergesort")
    s = scores[order]
    ranks = np.empty(len(s))
    i = 0
    while i < len(s):
        j = i + 1
        while j < len(s) and s[j] == s[i]:
            j += 1
        ranks[i:j] = (i + 1 + j) / 2
        i = j
    r = np.empty(len(s))
    r[order] = ranks
    return (r[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def full_cell(model: nn.Module, episodes: int) -> dict:
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, size=(1000, 224, 224, 3), dtype=np.uint8)
    labels = np.arange(1000) % 10
    t0 = time.perf_counter()
    feats = []
    with torch.no_grad():
        for start in range(0, 1000, 100):
            x = torch.from_numpy(images[start : start + 100]).permute(0, 3, 1, 2).float().div_(255)
            x = F.interpolate(x, size=(84, 84), mode="bilinear", align_corners=False)
            feats.append(model(x))
    emb = torch.cat(feats)
    t1 = time.perf_counter()
    by_class = [np.flatnonzero(labels == c) for c in range(10)]
    accs, aucs = [], []
    with torch.no_grad():
        for _ in range(episodes):
            classes = np.sort(rng.choice(10, 5, replace=False))
            sup, qry = [], []
            for c in classes:
                pick = rng.choice(by_class[c], 20, replace=False)
                sup.append(pick[:5])
                qry.append(pick[5:])
            s = emb[torch.from_numpy(np.concatenate(sup))].view(5, 5, -1)
            q = emb[torch.from_numpy(np.concatenate(qry))]
            protos = s.mean(1)
            d = torch.cdist(q, protos) ** 2
            p = torch.softmax(-d, dim=1).numpy()
            y = np.repeat(np.arange(5), 15)
            accs.append(float((p.argmax(1) == y).mean()))
            aucs.append(float(np.nanmean([auroc(p[:, c], y == c) for c in range(5)])))
    t2 = time.perf_counter()
    return {
        "total_s": t2 - t0,
        "embed_s": t1 - t0,
        "episodes_s": t2 - t1,
        "accuracy": float(np.mean(accs)),
        "auroc": float(np.mean(aucs)),
    }


def train_steps(rounds: int) -> dict:
    model = conv4()
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    # Another batch each step: one repeated batch drives the loss to ~0, and denormal gradients slow
    # every CPU down (as in src/engine/fewshot/probes.ts).
    xs = [torch.rand(100, 3, 84, 84) for _ in range(rounds + 1)]
    y = torch.arange(5).repeat_interleave(15)
    it = iter(xs)

    def step():
        emb = model(next(it))
        protos = emb[:25].view(5, 5, -1).mean(1)
        logits = -((emb[25:, None, :] - protos[None]) ** 2).sum(-1)
        loss = F.cross_entropy(logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()

    med, ms = timed(step, rounds)
    return {"median_ms": med, "ms": ms, "steps_per_s": 1000 / med, "gflops": 3 * 100 * conv4_flops(84) / (med / 1000) / 1e9}


def finetune_tasks(rounds: int, steps: int = 100) -> dict:
    """The fine-tune method's protocol (finetune_torch.py) on one 5-way 5-shot task at 84x84x3: a copy of Conv-4
    and a zero head, Adam 1e-2 on the 25 support images for `steps` steps in train mode, then 50 queries."""
    base = conv4()
    xs = torch.rand(25, 3, 84, 84)
    xq = torch.rand(50, 3, 84, 84)
    y = torch.arange(5).repeat_interleave(5)

    def task():
        m = copy.deepcopy(base)
        w = torch.zeros(1600, 5, requires_grad=True)
        b = torch.zeros(5, requires_grad=True)
        opt = torch.optim.Adam(list(m.parameters()) + [w, b], lr=1e-2, eps=1e-8)
        m.train()
        for _ in range(steps):
            loss = F.cross_entropy(m(xs) @ w + b, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        m.eval()
        with torch.no_grad():
            (m(xq) @ w + b).argmax(-1)

    med, ms = timed(task, rounds)
    return {"median_ms": med, "ms": ms, "steps": steps, "steps_per_s": steps / (med / 1000)}


def supervised_steps(rounds: int, batch: int = 64) -> dict:
    """The supervised rows' step (src/engine/fewshot/supervised-train.ts; MedIMeta's fully_supervised.py): Conv-4
    and a 2-class linear head, Adam 1e-3, softmax cross-entropy on a batch of 64 images at 84x84x3, train mode."""
    model = conv4()
    model.train()
    head = torch.nn.Linear(1600, 2)
    opt = torch.optim.Adam(list(model.parameters()) + list(head.parameters()), lr=1e-3, eps=1e-8)
    xs = [torch.rand(batch, 3, 84, 84) for _ in range(rounds + 1)]
    y = torch.arange(batch) % 2
    it = iter(xs)

    def step():
        loss = F.cross_entropy(head(model(next(it))), y)
        opt.zero_grad()
        loss.backward()
        opt.step()

    med, ms = timed(step, rounds)
    return {"median_ms": med, "ms": ms, "batch": batch, "steps_per_s": 1000 / med}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="fewer rounds and episodes (smoke test)")
    ap.add_argument(
        "--only-train",
        action="store_true",
        help="only the meta-training steps: update train_steps_per_s in an existing results file (side-by-side runs)",
    )
    ap.add_argument(
        "--only-supervised",
        action="store_true",
        help="only the supervised steps: update supervised_steps_per_s in an existing results file",
    )
    ap.add_argument(
        "--only-finetune",
        action="store_true",
        help="only the fine-tune tasks: update finetune_steps_per_s in an existing results file",
    )
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "results", "engine-torch.json")
    if a.only_finetune or a.only_train or a.only_supervised:
        key, raw, r = (
            ("finetune_steps_per_s", "finetune", finetune_tasks(1 if a.quick else 2))
            if a.only_finetune
            else ("supervised_steps_per_s", "supervised", supervised_steps(2 if a.quick else 7))
            if a.only_supervised
            else ("train_steps_per_s", "train", train_steps(2 if a.quick else 7))
        )
        out = json.load(open(path)) if os.path.exists(path) else {"name": "engine-torch", "numbers": {}, "raw": {}}
        out["numbers"][key] = r["steps_per_s"]
        out["raw"][raw] = r
        out["date"] = time.strftime("%Y-%m-%dT%H:%M:%S")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            json.dump(out, f, indent=2)
        print(f"{key} {r['steps_per_s']:10.3f}  median ms {r['median_ms']:.1f}")
        return
    model = conv4().eval()
    rounds = 2 if a.quick else 7
    e84 = embed_throughput(model, 84, rounds)
    e224 = embed_throughput(model, 224, 2 if a.quick else 5)
    cells = [full_cell(model, 60 if a.quick else 600) for _ in range(1 if a.quick else 3)]
    cell = {k: statistics.median(c[k] for c in cells) for k in cells[0]}
    train = train_steps(rounds)
    ft = finetune_tasks(1 if a.quick else 2)
    sup = supervised_steps(rounds)
    numbers = {
        "embed84_images_per_s": e84["images_per_s"],
        "embed224_images_per_s": e224["images_per_s"],
        "cell_total_s": cell["total_s"],
        "cell_embed_s": cell["embed_s"],
        "cell_episodes_s": cell["episodes_s"],
        "train_steps_per_s": train["steps_per_s"],
        "finetune_steps_per_s": ft["steps_per_s"],
        "supervised_steps_per_s": sup["steps_per_s"],
    }
    out = {
        "name": "engine-torch",
        "date": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "machine": platform.processor() or platform.machine(),
        "numbers": numbers,
        "raw": {"embed84": e84, "embed224": e224, "cells": cells, "train": train, "finetune": ft, "supervised": sup},
    }
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(out, f, indent=2)
    for k, v in numbers.items():
        print(f"{k:24s} {v:10.3f}")
    print(f"GFLOP/s: embed 84 {e84['gflops']:.1f}, embed 224 {e224['gflops']:.1f}, train {train['gflops']:.1f}")


if __name__ == "__main__":
    main()
