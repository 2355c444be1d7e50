#!/usr/bin/env python3
"""PyTorch reference trainer: ProtoBench's meta-training and evaluation protocol, the arithmetic done in torch.

Everything random (training episodes, validation episodes, evaluation episodes, initial weights) comes from
ProtoBench's own TypeScript code through a protocol plan (tools/protocol/plan.ts); this file does the rest
independently: reading images.hdf5, preprocessing, the encoders (Conv-4, ResNet-12, pixels), BatchNorm, the
ProtoNet loss, Adam, model selection with early stopping, ProtoNet evaluation, accuracy, AUROC and the
summaries. Each function names the TypeScript it mirrors.

Usage (Debian's python3-torch, python3-numpy, python3-h5py; run with /usr/bin/python3):
  /usr/bin/python3 bench/reference/train_torch.py --plan plan.json --data DIR --out torch.json [--threads 2]
"""

from __future__ import annotations

import argparse
import base64
import copy
import json
import math
import os
import platform
import statistics
import sys
import time
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from finetune_torch import finetune_episode
from linear_probe_torch import linear_probe_logits

# ---------------------------------------------------------------------------------------------------------
# Statistics (src/core/stats/summary.ts, auroc.ts, repeats.ts)

CI95_Z = 1.96
# Student's t 97.5 % quantiles for 1..30 degrees of freedom; beyond 30, 1.96 (as src/core/stats/repeats.ts).
T975 = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
    2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
]


def t975(df: int) -> float:
    """Student's t 97.5 % quantile (tQuantile975 in src/core/stats/repeats.ts)."""
    if df < 1:
        return float("nan")
    return T975[df - 1] if df <= len(T975) else CI95_Z


def summarize(values: Sequence[float]) -> Dict[str, float]:
    """Mean, sample std (n - 1) and 1.96 std / sqrt(n); NaN values left out (summarize in summary.ts)."""
    v = [float(x) for x in values if not math.isnan(float(x))]
    n = len(v)
    out = {"n": n, "nanCount": len(values) - n, "mean": float("nan"), "std": float("nan"), "ci95": float("nan")}
    if n == 0:
        return out
    mean = math.fsum(v) / n
    out["mean"] = mean
    if n == 1:
        return out
    std = math.sqrt(math.fsum((x - mean) ** 2 for x in v) / (n - 1))
    out["std"] = std
    out["ci95"] = CI95_Z * std / math.sqrt(n)
    return out


def combine_repeats(per_repeat: Sequence[Sequence[float]]) -> Dict[str, Any]:
    """A cell over R training repeats scored on the same n episodes (summarizeRepeats in repeats.ts):

    mean = mean of the repeat means m_r;
    ci95 = sqrt((t(R-1) sd(m_r) / sqrt(R))^2 + (1.96 sd(e) / sqrt(n))^2), e_i = episode i averaged over repeats.
    With R = 1 the first term is 0 and this is the plain episode CI. NaN episode values are left out.
    """
    R = len(per_repeat)
    if R == 0:
        raise ValueError("combine_repeats: no repeat")
    n = len(per_repeat[0])
    if any(len(r) != n for r in per_repeat):
        raise ValueError("combine_repeats: repeats have different numbers of episodes")
    means = [summarize(r)["mean"] for r in per_repeat]
    averaged = [sum(float(r[i]) for r in per_repeat) / R for i in range(n)]
    episodes = summarize(averaged)
    between = summarize(means)
    training_ci = t975(R - 1) * between["std"] / math.sqrt(R) if R > 1 else 0.0
    episode_ci = episodes["ci95"]
    return {
        "n": episodes["n"],
        "mean": between["mean"] if R > 1 else episodes["mean"],
        "ci95": math.sqrt(training_ci**2 + episode_ci**2),
        "std": episodes["std"],
        "repeats": R,
        "repeatMeans": means,
        "betweenStd": between["std"],
        "trainingCi95": training_ci,
        "episodeCi95": episode_ci,
        "averaged": averaged,
    }


def auroc(scores: Sequence[float], targets: Sequence[Any]) -> float:
    """Mann-Whitney AUROC with mid-ranks for ties; NaN without positives or negatives (auroc.ts)."""
    s = np.asarray(scores, dtype=np.float64)
    t = np.asarray(targets).astype(bool)
    if s.shape[0] != t.shape[0]:
        raise ValueError(f"auroc: {s.shape[0]} scores but {t.shape[0]} targets")
    if np.isnan(s).any():
        raise ValueError("auroc: a score is NaN")
    n_pos = int(t.sum())
    n_neg = len(t) - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(s, kind="stable")
    sorted_s = s[order]
    rank_sum = 0.0
    m = len(s)
    start = 0
    while start < m:
        end = start + 1
        while end < m and sorted_s[end] == sorted_s[start]:
            end += 1
        mid = (start + 1 + end) / 2  # ranks start+1..end share their mean
        rank_sum += mid * int(t[order[start:end]].sum())
        start = end
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def multiclass_auroc(scores: np.ndarray, labels: Sequence[int]) -> float:
    """One-vs-rest macro AUROC over the classes where it is defined (multiclassAuroc in auroc.ts)."""
    labels = np.asarray(labels)
    per = [auroc(scores[:, c], labels == c) for c in range(scores.shape[1])]
    ok = [a for a in per if not math.isnan(a)]
    return sum(ok) / len(ok) if ok else float("nan")


def episode_metrics(probs: np.ndarray, preds: np.ndarray, labels: np.ndarray, way: int) -> Tuple[float, float]:
    """Accuracy and AUROC of one single-label episode (episodeOutcome in src/engine/fewshot/metrics.ts):
    binary (2-way) episodes score P(class 1), classes being [negative, positive]; otherwise macro one-vs-rest."""
    acc = float((preds == labels).mean()) if len(labels) > 0 else float("nan")
    if way == 2:
        au = auroc(probs[:, 1].astype(np.float64), labels == 1)
    else:
        au = multiclass_auroc(probs.astype(np.float64), labels)
    return acc, au


# ---------------------------------------------------------------------------------------------------------
# Images (src/engine/device-input.ts `preprocess`)

ONE_255 = torch.tensor(1 / 255, dtype=torch.float32)
LUMA = torch.tensor([19595.0, 38470.0, 7471.0], dtype=torch.float32)


def preprocess(raw: np.ndarray, size: int, channels: int = 3) -> torch.Tensor:
    """uint8 [n, H, W] or [n, H, W, C] -> float32 [n, channels, size, size] in [0, 1], as ProtoBench's device input:
    x * float32(1/255); gray -> RGB by replication; RGB -> gray by PIL's (19595 R + 38470 G + 7471 B + 32768) >> 16;
    then tf.image.resizeBilinear(alignCorners = false, halfPixelCenters = true), which is torch's
    interpolate(mode='bilinear', align_corners=False) without antialiasing (source x = (dst + 0.5) * in/out - 0.5,
    clamped at the borders)."""
    x = torch.from_numpy(np.ascontiguousarray(raw)).to(torch.float32)
    if x.dim() == 3:
        x = x.unsqueeze(-1)
    in_c = x.shape[3]
    if in_c == 3 and channels == 1:
        x = torch.floor(((x * LUMA).sum(-1, keepdim=True) + 32768) / 65536) * ONE_255
    elif in_c == 1 and channels == 3:
        x = (x * ONE_255).expand(-1, -1, -1, 3)
    elif in_c == channels:
        x = x * ONE_255
    else:
        raise ValueError(f"preprocess: cannot convert {in_c} channels to {channels}")
    x = x.permute(0, 3, 1, 2).contiguous()
    if x.shape[2] != size or x.shape[3] != size:
        x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False, antialias=False)
    return x


def runs(sorted_indices: Sequence[int]) -> List[Tuple[int, int]]:
    """Contiguous [start, end) runs of ascending indices (hdf5 slices read much faster than fancy indexing)."""
    out: List[Tuple[int, int]] = []
    for i in sorted_indices:
        if out and out[-1][1] == i:
            out[-1] = (out[-1][0], i + 1)
        else:
            out.append((i, i + 1))
    return out


class Images:
    """Preprocessed images by (dataset, index), read from each dataset's images.hdf5 (or arrays, in tests) and
    cached as float32 up to `cache_mb`."""

    def __init__(self, sources: Dict[str, Any], size: int, channels: int = 3, cache_mb: float = 4096):
        self.sources = sources
        self.size = size
        self.channels = channels
        self.cache: Dict[Tuple[str, int], torch.Tensor] = {}
        self.budget = int(cache_mb * 1024 * 1024)
        self.bytes = 0
        self.read_s = 0.0

    @staticmethod
    def open_hdf5(datasets: Sequence[Dict[str, Any]], folder_of: Callable[[Dict[str, Any]], str]) -> Dict[str, Any]:
        import h5py  # Debian: python3-h5py

        out = {}
        for d in datasets:
            path = os.path.join(folder_of(d), "images.hdf5")
            f = h5py.File(path, "r")
            if "images" not in f:
                raise ValueError(f"{path}: no dataset 'images'")
            ds = f["images"]
            if ds.dtype != np.uint8 or ds.ndim not in (3, 4):
                raise ValueError(f"{path}: 'images' is {ds.dtype} {ds.shape}, expected uint8 (N, H, W[, C])")
            if ds.shape[0] != d["numImages"]:
                raise ValueError(f"{path}: {ds.shape[0]} images, the plan says {d['numImages']}")
            out[d["id"]] = ds
        return out

    def get(self, dataset: str, indices: Sequence[int]) -> torch.Tensor:
        """[len(indices), channels, size, size], in the order given."""
        missing = sorted({int(i) for i in indices if (dataset, int(i)) not in self.cache})
        fresh: Dict[int, torch.Tensor] = {}
        if missing:
            t0 = time.perf_counter()
            src = self.sources[dataset]
            for a, b in runs(missing):
                x = preprocess(np.asarray(src[a:b]), self.size, self.channels)
                for k in range(b - a):
                    fresh[a + k] = x[k]
            self.read_s += time.perf_counter() - t0
            for i, x in fresh.items():
                nbytes = x.numel() * 4
                if self.bytes + nbytes <= self.budget:
                    self.cache[(dataset, i)] = x
                    self.bytes += nbytes
        return torch.stack([self.cache.get((dataset, int(i)), fresh.get(int(i))) for i in indices])


# ---------------------------------------------------------------------------------------------------------
# Encoders (src/engine/fewshot/encoders/conv4.ts, resnet12.ts, pixels.ts; layers.ts)

BN_EPS = 1e-5
BN_MOMENTUM = 0.1
LEAKY = 0.1


# How the 2x2 max-pool's gradient treats a window with several equal maxima: "first" (PyTorch: one of them gets it,
# a subgradient) or "all" (each tied maximum gets the full gradient, as ProtoBench's train-mode pool,
# src/engine/fewshot/maxpool-step.ts and the fused wasm kernel, does). Real images with flat (black) backgrounds
# have exact ties after the first convolution; random ones practically never.
POOL_TIES = {"mode": "first"}


class _AllTiesMaxPool2(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        y = F.max_pool2d(x, 2)
        h, w = 2 * y.shape[2], 2 * y.shape[3]
        mask = (x[:, :, :h, :w] == y.repeat_interleave(2, 2).repeat_interleave(2, 3)).to(x.dtype)
        ctx.save_for_backward(mask)
        ctx.in_shape = x.shape
        return y

    @staticmethod
    def backward(ctx, dy: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        (mask,) = ctx.saved_tensors
        d = dy.repeat_interleave(2, 2).repeat_interleave(2, 3) * mask
        out = dy.new_zeros(ctx.in_shape)
        out[:, :, : d.shape[2], : d.shape[3]] = d
        return out


def pool_act(x: torch.Tensor, act: Callable[[torch.Tensor], torch.Tensor]) -> torch.Tensor:
    """2x2 max-pool (floor) and a monotonic activation. With POOL_TIES "all", pooled before the activation with the
    all-ties gradient, as ProtoBench's train mode does; the values are the same either way."""
    if POOL_TIES["mode"] == "all" and torch.is_grad_enabled() and x.requires_grad:
        return act(_AllTiesMaxPool2.apply(x))
    return F.max_pool2d(act(x), 2)


class ConvBn(nn.Module):
    """k x k convolution without bias ('same' padding, stride 1) and BatchNorm (eps 1e-5, momentum 0.1; PyTorch's
    running variance is the unbiased batch variance, as layers.ts `runningStatsUpdate`)."""

    def __init__(self, cin: int, cout: int, k: int):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, padding=k // 2, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=BN_EPS, momentum=BN_MOMENTUM)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.bn(self.conv(x))


class Conv4Block(ConvBn):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return pool_act(self.bn(self.conv(x)), F.relu)  # floor, as MaxPool2d(2) and tf 'valid'


class Conv4(nn.Module):
    """Snell et al.'s Conv-4: four [3x3 conv, BN, ReLU, 2x2 max-pool] blocks, flattened channels-last (H, W, C) as
    tfjs does (distances do not see the order; the check compares embeddings element by element)."""

    def __init__(self, channels: int = 3, width: int = 64):
        super().__init__()
        for b in range(4):
            self.add_module(f"block{b}", Conv4Block(channels if b == 0 else width, width, 3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for b in range(4):
            x = getattr(self, f"block{b}")(x)
        return x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)


class ResBlock(nn.Module):
    """Three 3x3 conv + BN (LeakyReLU 0.1 after the first two), a 1x1 conv + BN shortcut, LeakyReLU after the sum,
    2x2 max-pool (resnet12.ts; no DropBlock)."""

    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.c1 = ConvBn(cin, cout, 3)
        self.c2 = ConvBn(cout, cout, 3)
        self.c3 = ConvBn(cout, cout, 3)
        self.shortcut = ConvBn(cin, cout, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = F.leaky_relu(self.c1(x), LEAKY)
        y = F.leaky_relu(self.c2(y), LEAKY)
        y = self.c3(y)
        return pool_act(y + self.shortcut(x), lambda t: F.leaky_relu(t, LEAKY))


class ResNet12(nn.Module):
    """ResNet-12 with ProtoBench's default widths (32, 64, 128, 256) and global average pooling."""

    def __init__(self, channels: int = 3, widths: Sequence[int] = (32, 64, 128, 256)):
        super().__init__()
        cin = channels
        for b, w in enumerate(widths):
            self.add_module(f"block{b}", ResBlock(cin, w))
            cin = w
        self.blocks = len(widths)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for b in range(self.blocks):
            x = getattr(self, f"block{b}")(x)
        return x.mean(dim=(2, 3))


class Pixels(nn.Module):
    """Average-pooled pixels (pixels.ts): k = max(1, round(size / grid)) (JS rounding), k x k windows, floor."""

    def __init__(self, size: int, grid: int = 21):
        super().__init__()
        self.k = max(1, int(math.floor(size / grid + 0.5)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.k > 1:
            x = F.avg_pool2d(x, self.k, self.k)
        return x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)


def decode_tensors(tensors: Sequence[Dict[str, Any]]) -> Dict[str, np.ndarray]:
    """The plan's tensors (tfjs layout, little-endian float32, base64)."""
    out = {}
    for t in tensors:
        a = np.frombuffer(base64.b64decode(t["base64"]), dtype="<f4").astype(np.float32)
        out[t["name"]] = a.reshape(t["shape"]) if t["shape"] else a.reshape(())
    return out


def build_encoder(name: str, tensors: Dict[str, np.ndarray], channels: int = 3) -> nn.Module:
    """An encoder with these weights (tfjs names and HWIO filters converted to PyTorch's OIHW)."""
    if name in ("conv4", "conv4-untrained"):
        model: nn.Module = Conv4(channels, int(tensors["block0.conv.weight"].shape[3]))
    elif name == "resnet12":
        widths = []
        while f"block{len(widths)}.c1.conv.weight" in tensors:
            widths.append(int(tensors[f"block{len(widths)}.c1.conv.weight"].shape[3]))
        model = ResNet12(channels, widths)
    else:
        raise ValueError(f"no torch encoder for {name}")
    load_tfjs_weights(model, tensors)
    return model


def load_tfjs_weights(model: nn.Module, tensors: Dict[str, np.ndarray]) -> None:
    state = model.state_dict()
    want = {k for k in state if not k.endswith("num_batches_tracked")}
    if want != set(tensors):
        raise ValueError(
            f"weights: missing {sorted(want - set(tensors))}, unknown {sorted(set(tensors) - want)}"
        )
    new = {}
    for k, v in state.items():
        if k.endswith("num_batches_tracked"):
            new[k] = v
            continue
        a = tensors[k]
        if a.ndim == 4:
            a = a.transpose(3, 2, 0, 1)  # [kh, kw, cin, cout] -> [cout, cin, kh, kw]
        if tuple(a.shape) != tuple(v.shape):
            raise ValueError(f"weights: {k} has shape {a.shape}, the model wants {tuple(v.shape)}")
        new[k] = torch.from_numpy(np.array(a, dtype=np.float32))
    model.load_state_dict(new)


def state_copy(model: nn.Module) -> Dict[str, torch.Tensor]:
    """Every parameter and buffer (BatchNorm running statistics included): a checkpoint."""
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


# ---------------------------------------------------------------------------------------------------------
# ProtoNet (src/engine/fewshot/loss.ts, protonet.ts)


def prototypes(support: torch.Tensor, labels: torch.Tensor, way: int) -> torch.Tensor:
    """Class means of the support embeddings: one-hot membership [way, nS] @ support / counts (loss.ts)."""
    member = F.one_hot(labels, way).to(support.dtype).t()
    return (member @ support) / member.sum(1, keepdim=True)


def neg_sq_dist(query: torch.Tensor, protos: torch.Tensor) -> torch.Tensor:
    """Logits: negative squared Euclidean distances, computed as differences."""
    return -((query[:, None, :] - protos[None, :, :]) ** 2).sum(-1)


def proto_loss(emb: torch.Tensor, ys: torch.Tensor, yq: torch.Tensor, way: int) -> Tuple[torch.Tensor, torch.Tensor]:
    """Mean cross-entropy over the query (tf.losses.softmaxCrossEntropy's mean) and the query accuracy."""
    ns = ys.shape[0]
    logits = neg_sq_dist(emb[ns:], prototypes(emb[:ns], ys, way))
    return F.cross_entropy(logits, yq), (logits.argmax(-1) == yq).float().mean()


class Embeddings:
    """Eval-mode embeddings of one encoder, per (dataset, image), computed once."""

    def __init__(self, model: nn.Module, images: Images, batch: int = 100):
        self.model = model
        self.images = images
        self.batch = batch
        self.rows: Dict[Tuple[str, int], torch.Tensor] = {}

    @torch.no_grad()
    def get(self, dataset: str, indices: Sequence[int]) -> torch.Tensor:
        todo = sorted({int(i) for i in indices if (dataset, int(i)) not in self.rows})
        self.model.eval()
        for s in range(0, len(todo), self.batch):
            chunk = todo[s : s + self.batch]
            emb = self.model(self.images.get(dataset, chunk))
            for i, e in zip(chunk, emb):
                self.rows[(dataset, i)] = e
        return torch.stack([self.rows[(dataset, int(i))] for i in indices])


# Softmax probabilities below float32's smallest normal number (a logit gap beyond ~87): "keep" them as IEEE
# subnormals (PyTorch, tfjs's cpu backend) or "flush" them to 0, as tfjs's wasm backend (XNNPACK's softmax) does.
# With far-apart prototypes many probabilities land there, and AUROC sees the flushed ones as ties.
# What AUROC ranks: "logodds" (ProtoBench since it stopped ranking float32 probabilities: log(p / (1 - p)) in
# float64 from the logits, src/core/stats/log-odds.ts), or float32 softmax probabilities as older ProtoBench
# did, with subnormals kept ("keep": tfjs cpu) or flushed to 0 ("flush": tfjs wasm).
UNDERFLOW = {"mode": "logodds"}
FLT_MIN = float(np.finfo(np.float32).tiny)


def log_odds(logits: np.ndarray) -> np.ndarray:
    """log(p_c / (1 - p_c)) of the softmax of each row, = l_c - logsumexp_{j != c} l_j (float64)."""
    w = logits.shape[1]
    out = np.empty_like(logits)
    for c in range(w):
        others = np.delete(logits, c, axis=1)
        m = others.max(axis=1)
        out[:, c] = logits[:, c] - (m + np.log(np.exp(others - m[:, None]).sum(axis=1)))
    return out


@torch.no_grad()
def run_episode(emb: Embeddings, dataset: str, ep: Dict[str, Any], method: str = "protonet") -> Tuple[float, float]:
    """One episode in eval mode. `protonet`, float32: softmax over negative squared distances to the class means;
    `linear-probe`: an L2 logistic-regression head fit in float64 on the support embeddings (linear_probe_torch.py).
    Argmax (first maximum) as the prediction; accuracy and AUROC as metrics.ts."""
    way = len(ep["classes"])
    s_idx = [p[0] for p in ep["support"]]
    q_idx = [p[0] for p in ep["query"]]
    ys = torch.tensor([p[1] for p in ep["support"]], dtype=torch.long)
    yq = np.array([p[1] for p in ep["query"]], dtype=np.int64)
    if method == "linear-probe":
        with torch.enable_grad():
            z = linear_probe_logits(emb.get(dataset, s_idx).numpy(), ys.numpy(), emb.get(dataset, q_idx).numpy(), way)
        logits = torch.from_numpy(z)
    elif method == "protonet":
        logits = neg_sq_dist(emb.get(dataset, q_idx), prototypes(emb.get(dataset, s_idx), ys, way))
    else:
        raise ValueError(f"run_episode: no method {method!r} (protonet, linear-probe)")
    if UNDERFLOW["mode"] == "logodds":
        probs = log_odds(logits.numpy().astype(np.float64))
    else:
        probs = torch.softmax(logits, -1).numpy()
    if UNDERFLOW["mode"] == "flush":
        probs = np.where(probs < FLT_MIN, np.float32(0), probs)
    preds = logits.argmax(-1).numpy()
    return episode_metrics(probs, preds, yq, way)


def run_finetune_episode(emb: Embeddings, dataset: str, ep: Dict[str, Any], settings: Dict[str, Any]) -> Tuple[float, float]:
    """`finetune` (finetune_torch.py): a copy of the encoder and a zero head trained on the support images."""
    if settings.get("headInit", "zero") != "zero":
        raise ValueError("the reference fine-tunes from a zero head only (fthead=zero)")
    way = len(ep["classes"])
    s_idx = [p[0] for p in ep["support"]]
    q_idx = [p[0] for p in ep["query"]]
    ys = torch.tensor([p[1] for p in ep["support"]], dtype=torch.long)
    yq = np.array([p[1] for p in ep["query"]], dtype=np.int64)
    model = copy.deepcopy(emb.model)
    xs, xq = emb.images.get(dataset, s_idx), emb.images.get(dataset, q_idx)
    with torch.no_grad():
        dim = model.eval()(xq[:1]).shape[1]
    zero_w, zero_b = torch.zeros(dim, way), torch.zeros(way)
    _, logits = finetune_episode(model, xs, ys, xq, zero_w, zero_b, int(settings["steps"]), float(settings["lr"]))
    preds = logits.argmax(-1)
    return episode_metrics(log_odds(logits.astype(np.float64)), preds, yq, way)


def run_episodes(emb: Embeddings, dataset: str, episodes: Sequence[Dict[str, Any]], method: str = "protonet", settings: Optional[Dict[str, Any]] = None) -> Tuple[List[float], List[float]]:
    acc, au = [], []
    for ep in episodes:
        if method == "finetune":
            a, u = run_finetune_episode(emb, dataset, ep, settings or {"steps": 100, "lr": 0.01})
            acc.append(a)
            au.append(u)
            continue
        a, u = run_episode(emb, dataset, ep, method)
        acc.append(a)
        au.append(u)
    return acc, au


# ---------------------------------------------------------------------------------------------------------
# Meta-training (src/engine/fewshot/train.ts, TRAINER_VERSION 6)


def mean(xs: Sequence[float]) -> float:
    return math.fsum(xs) / len(xs) if xs else float("nan")


# Model selection rule. "gated" (ProtoBench's, src/core/training/selection.ts): the score is the mean over every
# val episode; a trained checkpoint is a candidate only when its paired gain over the init's episodes exceeds
# 1.96 sd / sqrt(n); patience counts validations without a new highest score, candidate or not. "best" (for
# comparison only): the best mean val AUROC wins, ties keep the earlier checkpoint.
SELECTION = {"rule": "gated"}


def train_one(
    training: Dict[str, Any],
    init: Dict[str, np.ndarray],
    plan: Dict[str, Any],
    images: Images,
    log: Callable[[str], None] = lambda s: None,
) -> Dict[str, Any]:
    """One training of the plan: Adam (betas 0.9/0.999, eps 1e-7: tfjs's float32 epsilon) on each step's episode in
    train mode (batch statistics over support + query), model selection on the sources' fixed val episodes.

    Model selection: validate at step 0 (the init is a candidate), every valEvery steps and after the last step;
    a validation is the mean over validated tasks of the task's mean val accuracy / AUROC over its episodes (a task
    whose AUROC is undefined counts 0.5); the best AUROC so far wins, ties keep the earlier checkpoint; `patience`
    validations in a row without a better score stop the training (0: never). No validated task (or valEvery 0):
    the last step's weights."""
    cfg = plan["config"]
    b = cfg["training"]
    proto = plan["protocol"]
    val_every = int(proto["valEvery"])
    patience = int(proto["patience"])
    steps = training["steps"]
    n_steps = len(steps)
    sources = training["sources"]
    model = build_encoder(plan["encoder"]["name"], init, plan["encoder"]["channels"])
    opt = torch.optim.Adam(model.parameters(), lr=float(b["lr"]), betas=(0.9, 0.999), eps=1e-7)
    curve: List[Dict[str, Any]] = []
    losses_since: List[float] = []
    history: List[Dict[str, float]] = []
    best: Optional[Dict[str, Any]] = None
    since_best = 0
    step_ms: List[float] = []
    val_s = 0.0
    t0 = time.perf_counter()

    init_episodes: Optional[List[float]] = None
    highest = -math.inf

    def validate(step: int) -> bool:
        nonlocal best, since_best, losses_since, val_s, init_episodes, highest
        v0 = time.perf_counter()
        emb = Embeddings(model, images)
        per_acc, per_au, episodes = [], [], []
        for i, src in enumerate(sources):
            eps = training["validation"][i]
            if not eps:
                continue
            a, u = run_episodes(emb, src["dataset"], eps)
            per_acc.append(summarize(a)["mean"])
            per_au.append(summarize(u)["mean"])
            episodes += [x if math.isfinite(x) else 0.5 for x in u]  # an undefined AUROC counts as chance
        loss = mean(losses_since)
        losses_since = []
        val_s += time.perf_counter() - v0
        if not per_acc:
            return False
        first = init_episodes is None
        if first:
            init_episodes = episodes
        gain = {"mean": 0.0, "ci95": 0.0} if first else summarize([a - b for a, b in zip(episodes, init_episodes)])
        gated = SELECTION["rule"] == "gated"
        v = {
            "step": step,
            "loss": loss,
            "accuracy": mean(per_acc),
            "auroc": mean(episodes) if gated else mean([a if math.isfinite(a) else 0.5 for a in per_au]),
            "perTask": per_acc,
            "perTaskAuroc": per_au,
            "gain": gain["mean"],
            "gainCi95": gain["ci95"],
        }
        curve.append(v)
        log(f"  step {step:5d}: loss {loss:.4f}  val acc {v['accuracy']:.4f}  val AUROC {v['auroc']:.4f}")
        if not gated:
            if best is None or v["auroc"] > best["auroc"]:
                best = {"step": step, "accuracy": v["accuracy"], "auroc": v["auroc"], "state": state_copy(model)}
                since_best = 0
                return False
            since_best += 1
            return patience > 0 and since_best >= patience
        ci = gain["ci95"] if math.isfinite(gain["ci95"]) else math.inf
        if (first or gain["mean"] > ci) and (best is None or v["auroc"] > best["auroc"]):
            best = {"step": step, "accuracy": v["accuracy"], "auroc": v["auroc"], "state": state_copy(model)}
        if v["auroc"] > highest:
            highest = v["auroc"]
            since_best = 0
            return False
        since_best += 1
        return patience > 0 and since_best >= patience

    stopped = n_steps
    if val_every > 0:
        validate(0)
    for s, st in enumerate(steps):
        a0 = time.perf_counter()
        src = sources[st["source"]]
        way = src["way"]
        idx = [p[0] for p in st["support"]] + [p[0] for p in st["query"]]
        ys = torch.tensor([p[1] for p in st["support"]], dtype=torch.long)
        yq = torch.tensor([p[1] for p in st["query"]], dtype=torch.long)
        x = images.get(src["dataset"], idx)
        model.train()
        loss, acc = proto_loss(model(x), ys, yq, way)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        lv = float(loss.detach())
        step_ms.append((time.perf_counter() - a0) * 1000)
        history.append({"step": s + 1, "loss": lv, "accuracy": float(acc)})
        losses_since.append(lv)
        if not math.isfinite(lv):
            raise RuntimeError(f"train: loss is {lv} at step {s + 1} (lower the learning rate)")
        stop = False
        if val_every > 0 and ((s + 1) % val_every == 0 or s + 1 == n_steps):
            stop = validate(s + 1)
        if stop:
            stopped = s + 1
            break
    if best is not None:
        chosen_state = best["state"]
        chosen = {"step": best["step"], "valAccuracy": best["accuracy"], "valAuroc": best["auroc"]}
    else:
        chosen_state = state_copy(model)
        chosen = {"step": stopped, "valAccuracy": float("nan"), "valAuroc": float("nan")}
    return {
        "trainingKey": training["trainingKey"],
        "repeat": training["repeat"],
        "seed": training["seed"],
        "targetDataset": training["targetDataset"],
        "sourceTasks": [s["task"] for s in sources],
        "sources": sources,
        "skipped": training["skipped"],
        "steps": n_steps,
        "stoppedStep": stopped,
        "chosen": chosen,
        "curve": curve,
        "history": history,
        "trainMs": (time.perf_counter() - t0) * 1000,
        "validationMs": val_s * 1000,
        "stepMsMedian": statistics.median(step_ms) if step_ms else float("nan"),
        "state": chosen_state,
    }


# ---------------------------------------------------------------------------------------------------------
# Evaluation of the cells (src/ui/run/orchestrator.ts; src/engine/fewshot/cell.ts)


def eval_lists(plan: Dict[str, Any]) -> Dict[Tuple[str, str, int], Dict[str, Any]]:
    return {(e["target"]["dataset"], e["target"]["task"], e["k"]): e for e in plan["eval"]}


def evaluate(
    plan: Dict[str, Any],
    trained: Dict[Tuple[str, int], Dict[str, Any]],
    images: Images,
    log: Callable[[str], None] = lambda s: None,
) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """Every planned cell. Trained rows: each repeat's chosen weights (the repeat's seeded init when the budget has
    no steps); `untrained`: the init of each repeat's seed (the same init as that repeat's training); `pixels`:
    average-pooled pixels, once (no seed)."""
    cfg = plan["config"]
    seeds = plan["protocol"]["trainingSeeds"]
    name = plan["encoder"]["name"]
    size = int(cfg["resolution"])
    lists = eval_lists(plan)
    inits = {int(k): decode_tensors(v) for k, v in plan["inits"].items()}
    encoders: Dict[str, Embeddings] = {}

    def embeddings(key: str, make: Callable[[], nn.Module]) -> Embeddings:
        if key not in encoders:
            m = make()
            m.eval()
            encoders[key] = Embeddings(m, images)
        return encoders[key]

    def from_state(state: Dict[str, torch.Tensor]) -> nn.Module:
        m = build_encoder(name, inits[seeds[0]], plan["encoder"]["channels"])
        m.load_state_dict(state)
        return m

    cells, skipped = [], []
    for c in plan["cells"]:
        ev = lists[(c["target"]["dataset"], c["target"]["task"], c["k"])]
        if ev.get("skipped"):
            skipped.append({"key": c["key"], "source": c["source"], "target": c["target"], "k": c["k"], "reason": ev["skipped"]})
            continue
        t0 = time.perf_counter()
        reps: List[Tuple[Optional[int], Embeddings]] = []
        if c["source"] == "pixels":
            reps.append((None, embeddings("pixels", lambda: Pixels(size))))
        elif c["trainingKey"] is None or int(cfg["training"]["steps"]) == 0:
            for s in seeds:
                reps.append((s, embeddings(f"init:{s}", lambda s=s: build_encoder(name, inits[s], plan["encoder"]["channels"]))))
        else:
            for r, s in enumerate(seeds):
                tr = trained[(c["trainingKey"], r)]
                reps.append((s, embeddings(f"trained:{c['trainingKey']}#{r}", lambda tr=tr: from_state(tr["state"]))))
        repeats = []
        for seed, emb in reps:
            acc, au = run_episodes(emb, c["target"]["dataset"], ev["episodes"], c.get("method", "protonet"), cfg.get("finetune"))
            repeats.append(
                {
                    "seed": seed,
                    "accuracy": summarize(acc),
                    "auroc": summarize(au),
                    "perEpisode": {"accuracy": acc, "auroc": au},
                }
            )
        acc_c = combine_repeats([r["perEpisode"]["accuracy"] for r in repeats])
        au_c = combine_repeats([r["perEpisode"]["auroc"] for r in repeats])
        strip = lambda d: {k: v for k, v in d.items() if k != "averaged"}  # noqa: E731
        cells.append(
            {
                "key": c["key"],
                "source": c["source"],
                "target": c["target"],
                "k": c["k"],
                "method": c.get("method", "protonet"),
                "n": c["way"],
                "episodes": len(ev["episodes"]),
                "trainingKey": c["trainingKey"],
                "repeats": repeats,
                "accuracy": strip(acc_c),
                "auroc": strip(au_c),
                "perEpisode": {"accuracy": acc_c["averaged"], "auroc": au_c["averaged"]},
                "ms": (time.perf_counter() - t0) * 1000,
            }
        )
        log(
            f"  {c['source']:>20s} {c.get('method', 'protonet'):>12s}  {c['target']['dataset']}/{c['target']['task']}  K={c['k']}: "
            f"acc {acc_c['mean']:.4f} ± {acc_c['ci95']:.4f}  AUROC {au_c['mean']:.4f} ± {au_c['ci95']:.4f}  ({len(reps)} repeat(s))"
        )
    return cells, skipped


# ---------------------------------------------------------------------------------------------------------
# Output


def pct(x: float) -> str:
    return "n/a" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.1f}"


def markdown_table(plan: Dict[str, Any], cells: Sequence[Dict[str, Any]]) -> str:
    """Rows: sources in config order; columns: (target, K); each "acc ± ci / AUROC ± ci" in %, as ProtoBench."""
    cfg = plan["config"]
    rows = []
    for c in plan["cells"]:
        row = (c["source"], c.get("method", "protonet"))
        if row not in rows:
            rows.append(row)
    cols = []
    for c in plan["cells"]:
        col = (c["target"]["dataset"], c["target"]["task"], c["k"])
        if col not in cols:
            cols.append(col)
    by = {(c["source"], c.get("method", "protonet"), c["target"]["dataset"], c["target"]["task"], c["k"]): c for c in cells}
    head = "| source | " + " | ".join(f"{d}/{t} K={k}" for d, t, k in cols) + " |"
    lines = [
        f"PyTorch reference, {cfg['encoder']} at {cfg['resolution']}px, {cfg['mode']}, {cfg['episodes']} episodes, "
        f"{plan['protocol']['trainSeeds']} training seed(s): accuracy ± CI / AUROC ± CI (%)",
        "",
        head,
        "|" + " --- |" * (len(cols) + 1),
    ]
    for r, method in rows:
        vals = []
        for d, t, k in cols:
            c = by.get((r, method, d, t, k))
            vals.append(
                "—" if c is None else f"{pct(c['accuracy']['mean'])} ± {pct(c['accuracy']['ci95'])} / {pct(c['auroc']['mean'])} ± {pct(c['auroc']['ci95'])}"
            )
        lines.append(f"| {r}{'' if method == 'protonet' else ' · ' + method} | " + " | ".join(vals) + " |")
    return "\n".join(lines)


def jsonable(x: Any) -> Any:
    """NaN and infinities as null (as ProtoBench's JSON export)."""
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if isinstance(x, (np.floating,)):
        return jsonable(float(x))
    if isinstance(x, (np.integer,)):
        return int(x)
    return x


def run_plan(
    plan: Dict[str, Any],
    image_sources: Dict[str, Any],
    cache_mb: float = 4096,
    log: Callable[[str], None] = lambda s: None,
) -> Dict[str, Any]:
    """Train every training of the plan, then evaluate every cell. Returns the torch.json content (with the chosen
    states under `_states`, not serialised)."""
    if plan.get("format") != "protobench/protocol-plan":
        raise ValueError("not a ProtoBench protocol plan (format protobench/protocol-plan)")
    cfg = plan["config"]
    images = Images(image_sources, int(cfg["resolution"]), plan["encoder"]["channels"], cache_mb)
    t0 = time.perf_counter()
    trained: Dict[Tuple[str, int], Dict[str, Any]] = {}
    for tr in plan["trainings"]:
        log(f"training {tr['trainingKey']} repeat {tr['repeat']} (seed {tr['seed']}, target {tr['targetDataset']}): "
            f"{len(tr['sources'])} source tasks, {len(tr['steps'])} steps")
        init = decode_tensors(plan["inits"][str(tr["seed"])])
        r = train_one(tr, init, plan, images, log)
        log(f"  chosen step {r['chosen']['step']}, stopped at {r['stoppedStep']}, {r['trainMs'] / 1000:.1f} s "
            f"({r['stepMsMedian']:.0f} ms/step median)")
        trained[(tr["trainingKey"], tr["repeat"])] = r
    t1 = time.perf_counter()
    log("evaluation:")
    cells, skipped = evaluate(plan, trained, images, log)
    t2 = time.perf_counter()
    for s in skipped:
        log(f"  skipped {s['source']} {s['target']['dataset']}/{s['target']['task']} K={s['k']}: {s['reason']}")
    trainings = [{k: v for k, v in r.items() if k != "state"} for r in trained.values()]
    return {
        "format": "protobench/torch-reference",
        "version": 1,
        "createdAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "trainerVersion": plan.get("trainerVersion"),
        "plan": {"createdAt": plan.get("createdAt"), "query": plan.get("query")},
        "config": cfg,
        "protocol": plan["protocol"],
        "environment": {
            "torch": torch.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
            "threads": torch.get_num_threads(),
            "maxpoolTies": POOL_TIES["mode"],
            "selection": SELECTION["rule"],
            "softmaxUnderflow": UNDERFLOW["mode"],
            "machine": platform.processor() or platform.machine(),
        },
        "trainings": trainings,
        "cells": cells,
        "skipped": skipped,
        "timings": {"trainS": t1 - t0, "evalS": t2 - t1, "totalS": t2 - t0, "imageReadS": images.read_s},
        "_states": {f"{k[0]}#{k[1]}": v["state"] for k, v in trained.items()},
    }


def rel_diff(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| / max(|b|) (0 for two zero arrays)."""
    scale = float(np.abs(b).max()) if b.size else 0.0
    return float(np.abs(a - b).max()) / scale if scale > 0 else float(np.abs(a - b).max() if a.size else 0.0)


def check_steps(plan: Dict[str, Any], tr: Dict[str, Any], init: Dict[str, np.ndarray], images: Images, n: int) -> Tuple[List[float], Dict[str, torch.Tensor]]:
    """The first n steps of a training (no validation): their losses and the state after them."""
    model = build_encoder(plan["encoder"]["name"], init, plan["encoder"]["channels"])
    opt = torch.optim.Adam(model.parameters(), lr=float(plan["config"]["training"]["lr"]), betas=(0.9, 0.999), eps=1e-7)
    losses = []
    for st in tr["steps"][:n]:
        src = tr["sources"][st["source"]]
        xs = images.get(src["dataset"], [p[0] for p in st["support"]] + [p[0] for p in st["query"]])
        model.train()
        loss, _ = proto_loss(model(xs), torch.tensor([p[1] for p in st["support"]]), torch.tensor([p[1] for p in st["query"]]), src["way"])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss))
    return losses, model.state_dict()


def sign_flips(state: Dict[str, torch.Tensor], after: Dict[str, np.ndarray], lr: float) -> Tuple[int, int]:
    """Trainable weights more than lr/2 apart. Adam moves every weight by about lr per step whatever its gradient's
    size, so a weight whose gradient differs in sign (rounding level, or another max-pool tie rule) ends ~2 lr away."""
    flips = total = 0
    for k, a in after.items():
        if "running" in k:
            continue
        v = state[k].numpy()
        a = a.transpose(3, 2, 0, 1) if a.ndim == 4 else a
        flips += int((np.abs(v - a) > 0.5 * lr).sum())
        total += v.size
    return flips, total


def check_against_tfjs(plan: Dict[str, Any], check: Dict[str, Any], image_sources: Dict[str, Any]) -> Dict[str, Any]:
    """Compare this file's arithmetic with tfjs's on the pieces tools/protocol/check.ts wrote: the preprocessed
    batch, eval-mode embeddings at the init, the first training steps' losses and the weights after them, and the
    first evaluation episodes' accuracy and AUROC."""
    cfg = plan["config"]
    name = plan["encoder"]["name"]
    ch = plan["encoder"]["channels"]
    images = Images(image_sources, int(cfg["resolution"]), ch)
    dec = lambda d: np.frombuffer(base64.b64decode(d["base64"]), dtype="<f4").reshape(d["shape"])  # noqa: E731
    report: Dict[str, Any] = {}
    tr = plan["trainings"][0] if plan["trainings"] else None
    seed = tr["seed"] if tr else plan["protocol"]["trainingSeeds"][0]
    init = decode_tensors(plan["inits"][str(seed)])
    if tr and "input" in check:
        inp = check["input"]
        x = images.get(inp["dataset"], inp["indices"])
        tf_x = dec(inp)  # NHWC
        report["input_max_abs_diff"] = float(np.abs(x.permute(0, 2, 3, 1).numpy() - tf_x).max())
        model = build_encoder(name, init, ch).eval()
        with torch.no_grad():
            e = model(torch.from_numpy(np.array(tf_x)).permute(0, 3, 1, 2).contiguous()).numpy()
        report["embed_init_rel_diff"] = rel_diff(e, dec(check["embedInit"]))
        after = {t["name"]: dec(t) for t in check["weightsAfter"]}
        lr = float(cfg["training"]["lr"])
        chosen_mode = POOL_TIES["mode"]
        for mode in ("first", "all"):
            POOL_TIES["mode"] = mode
            losses, state = check_steps(plan, tr, init, images, len(check["steps"]))
            flips, total = sign_flips(state, after, lr)
            report[f"sign_flips_{mode}_ties"] = flips
            if mode == chosen_mode:
                report["losses_torch"] = losses
                worst = {}
                for k, a in after.items():
                    worst[k] = rel_diff(state[k].numpy(), a.transpose(3, 2, 0, 1) if a.ndim == 4 else a)
                report["weights_after_rel_diff"] = worst
                report["weights_after_sign_flips"] = {"elements": flips, "of": total, "threshold": 0.5 * lr, "maxpoolTies": mode}
        POOL_TIES["mode"] = chosen_mode
        report["losses_tfjs"] = [s["loss"] for s in check["steps"]]
    if "episodes" in check:
        ep = check["episodes"]
        ev = next(e for e in plan["eval"] if e["episodes"])
        emb = Embeddings(build_encoder(name, init, ch).eval(), images)
        eps = ev["episodes"][: len(ep["accuracy"])]
        acc, au = run_episodes(emb, ev["target"]["dataset"], eps)
        report["episode_accuracy"] = {"torch": acc, "tfjs": ep["accuracy"]}
        report["episode_auroc"] = {"torch": au, "tfjs": ep["auroc"]}
        other = "flush" if UNDERFLOW["mode"] != "flush" else "keep"
        chosen = UNDERFLOW["mode"]
        UNDERFLOW["mode"] = other
        report["episode_auroc"][f"torch_{other}_underflow"] = run_episodes(emb, ev["target"]["dataset"], eps)[1]
        UNDERFLOW["mode"] = chosen
    return report


def main(argv: Optional[Sequence[str]] = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plan", required=True, help="protocol plan from tools/protocol/plan.ts")
    ap.add_argument("--data", help="folder holding the dataset folders (default: the folders named in the plan)")
    ap.add_argument("--out", required=True, help="torch.json to write")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--cache-mb", type=float, default=4096, help="preprocessed images kept in memory")
    ap.add_argument("--markdown", help="also write the Markdown table here")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--check", help="compare with tfjs's numbers from tools/protocol/check.ts instead of training")
    ap.add_argument(
        "--maxpool-ties",
        choices=("first", "all"),
        default="first",
        help="max-pool gradient at tied maxima: first = PyTorch's (default); all = every tied maximum, as ProtoBench",
    )
    ap.add_argument(
        "--selection",
        choices=("best", "gated"),
        default="gated",
        help="model selection: gated = ProtoBench's (a checkpoint must beat the init by its CI; default); best = plain best val AUROC",
    )
    ap.add_argument(
        "--softmax-underflow",
        choices=("logodds", "keep", "flush"),
        default="logodds",
        help="what AUROC ranks: logodds (ProtoBench now: float64 log-odds from the logits), or float32 softmax "
        "probabilities as older ProtoBench did, subnormals kept (tfjs cpu) or flushed to 0 (tfjs wasm)",
    )
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    POOL_TIES["mode"] = a.maxpool_ties
    SELECTION["rule"] = a.selection
    UNDERFLOW["mode"] = a.softmax_underflow
    log = (lambda s: None) if a.quiet else (lambda s: print(s, file=sys.stderr, flush=True))
    with open(a.plan) as f:
        plan = json.load(f)

    def folder_of(d: Dict[str, Any]) -> str:
        if not a.data:
            return d["folder"]
        for cand in (os.path.join(a.data, os.path.basename(d["folder"])), os.path.join(a.data, d["id"])):
            if os.path.exists(os.path.join(cand, "images.hdf5")):
                return cand
        raise FileNotFoundError(f"--data {a.data}: no images.hdf5 for dataset {d['id']}")

    sources = Images.open_hdf5(plan["datasets"], folder_of)
    if a.check:
        with open(a.check) as f:
            report = check_against_tfjs(plan, json.load(f), sources)
        report["environment"] = {"torch": torch.__version__, "threads": torch.get_num_threads()}
        with open(a.out, "w") as f:
            json.dump(jsonable(report), f, indent=1)
        print(json.dumps(jsonable(report), indent=1))
        return
    out = run_plan(plan, sources, a.cache_mb, log)
    out.pop("_states")
    out["plan"]["path"] = os.path.abspath(a.plan)
    table = markdown_table(plan, out["cells"])
    out["markdown"] = table
    with open(a.out, "w") as f:
        json.dump(jsonable(out), f)
    if a.markdown:
        with open(a.markdown, "w") as f:
            f.write(table + "\n")
    print(table)
    t = out["timings"]
    log(f"torch: training {t['trainS']:.1f} s, evaluation {t['evalS']:.1f} s (images {t['imageReadS']:.1f} s) -> {a.out}")


if __name__ == "__main__":
    main()
