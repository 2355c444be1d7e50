"""The linear probe in PyTorch, float64, for ProtoBench's `linear-probe` method
(src/engine/fewshot/evaluators/linear-probe.ts, src/core/stats/linear-probe.ts).

The problem, as scikit-learn's LogisticRegression(C) states it: minimise sum_i loss_i + ||W||^2 / (2 C) over a
linear head W (D x classes) and an unpenalised bias b, on the support embeddings as they are. Single-label:
softmax cross-entropy over the episode's classes; multilabel: one binary logistic regression per label.

Solved here from the raw (uncentred) features: an orthonormal basis Q of the support features' span (numpy's QR of
X^T; the optimal W lies in that span and ||Q W_r|| = ||W_r||), then Newton's method on (W_r, b) with the closed-form
gradient and Hessian in numpy float64 (least squares for the step: softmax's bias is shift-invariant) and a
backtracking line search, to a gradient of 1e-10 n. ProtoBench solves the same problem another way (centred Gram
matrices, eigen-basis, its own Newton), so agreement checks the problem, not a shared implementation. The objective
is also written in PyTorch (`_objective`), which the tests use to check the closed forms.
"""

import numpy as np
import torch

DEFAULT_C = 1.0


def _objective(xs: torch.Tensor, ys: torch.Tensor, w: torch.Tensor, b: torch.Tensor, kind: str, c: float) -> torch.Tensor:
    z = xs @ w + b
    if kind == "single":
        loss = torch.nn.functional.cross_entropy(z, ys, reduction="sum")
    else:
        loss = torch.nn.functional.binary_cross_entropy_with_logits(z, ys, reduction="sum")
    return loss + (w * w).sum() / (2 * c)


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _terms(z1: np.ndarray, y: np.ndarray, theta: np.ndarray, reg: np.ndarray, kind: str, hessian: bool = True):
    """Objective, gradient [(r+1), K] and Hessian [(r+1)K, (r+1)K] (index (a, c) -> a * K + c) at theta."""
    logits = z1 @ theta
    if kind == "single":
        p = _softmax(logits)
        m = logits.max(axis=1, keepdims=True)
        lse = (m + np.log(np.exp(logits - m).sum(axis=1, keepdims=True))).ravel()
        loss = float((lse - logits[np.arange(len(y)), y]).sum())
        if not hessian:
            return loss + float((reg * theta * theta).sum()) / 2, None, None
        onehot = np.eye(theta.shape[1])[y]
        g = z1.T @ (p - onehot)
        # sum_i z_ia z_ib (delta_cd p_ic - p_ic p_id)
        w = np.einsum("ic,cd->icd", p, np.eye(theta.shape[1])) - np.einsum("ic,id->icd", p, p)
        h = np.einsum("ia,ib,icd->acbd", z1, z1, w, optimize=True).reshape(g.size, g.size)
    else:
        p = 1 / (1 + np.exp(-logits))
        loss = float((np.logaddexp(0, logits) - y * logits).sum())
        if not hessian:
            return loss + float((reg * theta * theta).sum()) / 2, None, None
        g = z1.T @ (p - y)
        w = np.einsum("ic,cd->icd", p * (1 - p), np.eye(theta.shape[1]))
        h = np.einsum("ia,ib,icd->acbd", z1, z1, w, optimize=True).reshape(g.size, g.size)
    loss += float((reg * theta * theta).sum()) / 2
    g = g + reg * theta
    h = h + np.diag(np.repeat(reg[:, 0], theta.shape[1]))
    return loss, g, h


def linear_probe_logits(xs: np.ndarray, ys: np.ndarray, xq: np.ndarray, classes: int, kind: str = "single", c: float = DEFAULT_C) -> np.ndarray:
    """Query logits [m, classes] (multilabel: each label's log-odds) of the probe fit on the support set.
    xs [n, D] support features; ys [n] class positions (single) or [n, classes] 0/1 targets (multilabel)."""
    x = np.asarray(xs, dtype=np.float64)
    q, _ = np.linalg.qr(x.T)
    z1 = np.hstack([x @ q, np.ones((x.shape[0], 1))])
    zq = np.hstack([np.asarray(xq, dtype=np.float64) @ q, np.ones((len(xq), 1))])
    y = np.asarray(ys, dtype=np.int64) if kind == "single" else np.asarray(ys, dtype=np.float64)
    reg = np.full((z1.shape[1], 1), 1 / c)
    reg[-1] = 0  # the bias is not penalised
    theta = np.zeros((z1.shape[1], classes))
    tol = 1e-10 * max(1, x.shape[0])
    for _ in range(200):
        f0, g, h = _terms(z1, y, theta, reg, kind)
        if np.abs(g).max() < tol:
            break
        step = np.linalg.lstsq(h, g.ravel(), rcond=None)[0].reshape(theta.shape)
        t = 1.0
        while t > 1e-10 and _terms(z1, y, theta - t * step, reg, kind, False)[0] > f0 - 1e-4 * t * float((g * step).sum()):
            t /= 2
        theta = theta - t * step
    return zq @ theta
