"""The linear probe in PyTorch, float64, for ProtoBench's `linear-probe` method
(src/engine/fewshot/evaluators/linear-probe.ts, src/core/stats/linear-probe.ts).

The problem, as scikit-learn's LogisticRegression(C) states it: minimise sum_i loss_i + ||W||^2 / (2 C) over a
linear head W (D x classes) and an unpenalised bias b, on the support embeddings as they are. Single-label:
softmax cross-entropy over the episode's classes; multilabel: one binary logistic regression per label.

Solved here from the raw (uncentred) features: an orthonormal basis Q of the support features' span (numpy's QR of
X^T; the optimal W lies in that span and ||Q W_r|| = ||W_r||), then Newton's method on (W_r, b) with the gradient and
Hessian from torch.autograd and a backtracking line search, to a gradient of 1e-10. ProtoBench solves the same
problem another way (centred Gram matrices, eigen-basis, hand-written Newton), so agreement checks the problem, not
a shared implementation.
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


def _newton(f, theta: torch.Tensor, tol: float) -> torch.Tensor:
    for _ in range(200):
        g = torch.autograd.functional.jacobian(f, theta)
        if float(g.abs().max()) < tol:
            break
        h = torch.autograd.functional.hessian(f, theta)
        # Softmax's bias is shift-invariant: least squares takes the step of minimum norm there.
        step = torch.linalg.lstsq(h + 1e-12 * torch.eye(h.shape[0], dtype=h.dtype), g.unsqueeze(1)).solution.squeeze(1)
        f0, t = float(f(theta)), 1.0
        while t > 1e-10 and float(f(theta - t * step)) > f0 - 1e-4 * t * float(g @ step):
            t /= 2
        theta = theta - t * step
    return theta


def linear_probe_logits(xs: np.ndarray, ys: np.ndarray, xq: np.ndarray, classes: int, kind: str = "single", c: float = DEFAULT_C) -> np.ndarray:
    """Query logits [m, classes] (multilabel: each label's log-odds) of the probe fit on the support set.
    xs [n, D] support features; ys [n] class positions (single) or [n, classes] 0/1 targets (multilabel)."""
    x = np.asarray(xs, dtype=np.float64)
    q, _ = np.linalg.qr(x.T)
    zs = torch.from_numpy(x @ q)
    zq = torch.from_numpy(np.asarray(xq, dtype=np.float64) @ q)
    r = zs.shape[1]
    y = torch.from_numpy(np.asarray(ys)).long() if kind == "single" else torch.from_numpy(np.asarray(ys, dtype=np.float64))

    def split(theta: torch.Tensor):
        return theta[: r * classes].reshape(r, classes), theta[r * classes :]

    def f(theta: torch.Tensor) -> torch.Tensor:
        w, b = split(theta)
        return _objective(zs, y, w, b, kind, c)

    theta = _newton(f, torch.zeros(r * classes + classes, dtype=torch.float64), 1e-10 * max(1, x.shape[0]))
    w, b = split(theta)
    return (zq @ w + b).numpy()
