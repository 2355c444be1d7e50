"""Fine-tuning in PyTorch for ProtoBench's `finetune` method (src/engine/fewshot/evaluators/finetune.ts), as
MedIMeta's finetune_and_test.py runs it through torchcross's SimpleClassifier and Lightning: per episode, the
encoder from its start weights plus a linear head, both trained on the whole support set by Adam (betas 0.9,
0.999, eps 1e-8) for `steps` steps with the encoder in train mode (BatchNorm on batch statistics), then the
query set scored in eval mode. Single-label: softmax cross-entropy; multilabel: a sigmoid per label.

  /usr/bin/python3 bench/reference/finetune_torch.py --golden IN.json OUT.json
      IN from tools/protocol/finetune-golden.ts; OUT = IN plus PyTorch's per-step losses and query logits.
"""

import argparse
import copy
import json
import sys
from typing import List, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ADAM_EPS = 1e-8


def finetune_episode(
    model: nn.Module,
    xs: torch.Tensor,
    ys: torch.Tensor,
    xq: torch.Tensor,
    head_w: torch.Tensor,
    head_b: torch.Tensor,
    steps: int,
    lr: float,
    kind: str = "single",
) -> Tuple[List[float], np.ndarray]:
    """xs [n, C, S, S], ys [n] class positions (or [n, L] 0/1 targets); head_w [D, way]. The model is trained in
    place (pass a copy). Returns the loss before each step and the query logits [m, way]."""
    w = head_w.clone().requires_grad_(True)
    b = head_b.clone().requires_grad_(True)
    params = [p for p in model.parameters() if p.requires_grad] + [w, b]
    opt = torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=ADAM_EPS)
    losses = []
    model.train()
    for _ in range(steps):
        opt.zero_grad()
        z = model(xs) @ w + b
        loss = F.cross_entropy(z, ys) if kind == "single" else F.binary_cross_entropy_with_logits(z, ys.to(z.dtype))
        loss.backward()
        opt.step()
        losses.append(float(loss))
    model.eval()
    with torch.no_grad():
        return losses, (model(xq) @ w + b).numpy()


def golden(path_in: str, path_out: str) -> None:
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    import train_torch as T  # the reference Conv-4 with tfjs weights

    with open(path_in) as f:
        g = json.load(f)
    tensors = {t["name"]: np.asarray(t["values"], dtype=np.float32).reshape(t["shape"]) for t in g["weights"]}
    model = T.build_encoder(g["encoder"]["name"], tensors, g["encoder"]["channels"])
    S = g["encoder"]["inputSize"]
    img = lambda xs: torch.tensor(xs, dtype=torch.float32).reshape(-1, S, S, 1).permute(0, 3, 1, 2).contiguous()  # noqa: E731
    losses, logits = finetune_episode(
        copy.deepcopy(model),
        img(g["support"]["images"]),
        torch.tensor(g["support"]["labels"]),
        img(g["query"]["images"]),
        torch.tensor(g["head"]["w"], dtype=torch.float32).reshape(g["head"]["shape"]),
        torch.tensor(g["head"]["b"], dtype=torch.float32),
        g["steps"],
        g["lr"],
    )
    g["torch"] = {"version": torch.__version__, "losses": losses, "queryLogits": logits.tolist()}
    with open(path_out, "w") as f:
        json.dump(g, f)
        f.write("\n")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--golden", nargs=2, metavar=("IN", "OUT"), required=True)
    a = ap.parse_args()
    golden(*a.golden)
