#!/usr/bin/env python3
"""PyTorch CUDA reference for bench/gpu/embed-dawn.ts: the same Conv-4 forward (eval mode, no_grad), 100 images
at 224x224x3 and 84x84x3, on the server's GPU, in the same command as the tfjs-on-Dawn run.

Settings, each reported: PyTorch's defaults (cuDNN may use TF32 tensor cores for convolutions), cudnn.benchmark,
strict FP32 (allow_tf32 off: the arithmetic WebGPU does), and channels-last memory format.
Two timings, medians: latency_ms (one forward, then synchronize) and throughput_ms (10 forwards, one synchronize,
divided by 10).
Then meta-training steps/s (train mode, ProtoNet loss, Adam, 5-way 5-shot 15-query) at 84 and 224, defaults.
Usage: python3 bench/gpu/conv4_cuda.py out.json
"""

import json
import os
import statistics
import sys
import time

import torch
import torch.nn as nn

# The model and its FLOP count are the CPU reference's (bench/reference), so both references time one network.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
from protonet_torch import conv4, conv4_flops  # noqa: E402


def gflop(size: int) -> float:
    return conv4_flops(size) * 100 / 1e9


def measure(model, x, rounds=30):
    with torch.no_grad():
        for _ in range(5):
            model(x)
        torch.cuda.synchronize()
        lat = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            model(x)
            torch.cuda.synchronize()
            lat.append((time.perf_counter() - t0) * 1000)
        thr = []
        for _ in range(8):
            t0 = time.perf_counter()
            for _ in range(10):
                model(x)
            torch.cuda.synchronize()
            thr.append((time.perf_counter() - t0) * 100)
    return statistics.median(lat), statistics.median(thr)


def train_steps(dev, size: int, rounds: int = 12) -> dict:
    """Meta-training steps as bench/reference/protonet_torch.py: Conv-4 in train mode, ProtoNet loss, Adam,
    a new 100-image batch each step (5-way 5-shot 15-query); PyTorch defaults."""
    torch.manual_seed(1)
    model = conv4().to(dev).train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    xs = [torch.rand(100, 3, size, size, device=dev) for _ in range(rounds + 3)]
    y = torch.arange(5, device=dev).repeat_interleave(15)
    ms = []
    for i, x in enumerate(xs):
        t0 = time.perf_counter()
        emb = model(x)
        protos = emb[:25].view(5, 5, -1).mean(1)
        logits = -((emb[25:, None, :] - protos[None]) ** 2).sum(-1)
        loss = nn.functional.cross_entropy(logits, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        loss.item()
        if i >= 3:
            ms.append((time.perf_counter() - t0) * 1000)
    med = statistics.median(ms)
    return {"size": size, "median_ms": med, "steps_per_s": 1000 / med}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "conv4-cuda.json"
    dev = torch.device("cuda")
    rows = []
    report = {"torch": torch.__version__, "cudnn": torch.backends.cudnn.version(), "gpu": torch.cuda.get_device_name(0),
              "default_allow_tf32": torch.backends.cudnn.allow_tf32, "rows": rows}
    settings = [
        ("default", dict(benchmark=False, tf32=torch.backends.cudnn.allow_tf32, cl=False)),
        ("benchmark", dict(benchmark=True, tf32=torch.backends.cudnn.allow_tf32, cl=False)),
        ("fp32-strict", dict(benchmark=True, tf32=False, cl=False)),
        ("fp32-strict-channels-last", dict(benchmark=True, tf32=False, cl=True)),
        ("benchmark-channels-last", dict(benchmark=True, tf32=torch.backends.cudnn.allow_tf32, cl=True)),
    ]
    default_tf32 = torch.backends.cudnn.allow_tf32
    for size in (224, 84):
        for name, s in settings:
            torch.backends.cudnn.benchmark = s["benchmark"]
            torch.backends.cudnn.allow_tf32 = s["tf32"]
            torch.manual_seed(1)
            model = conv4().to(dev).eval()
            x = torch.rand(100, 3, size, size, device=dev)
            if s["cl"]:
                model = model.to(memory_format=torch.channels_last)
                x = x.contiguous(memory_format=torch.channels_last)
            lat, thr = measure(model, x)
            row = {"size": size, "setting": name, **s, "latency_ms": lat, "throughput_ms": thr,
                   "tflops": gflop(size) / thr}
            rows.append(row)
            print(json.dumps(row), flush=True)
            torch.backends.cudnn.allow_tf32 = default_tf32
    torch.backends.cudnn.benchmark = False
    report["train"] = [train_steps(dev, 84), train_steps(dev, 224)]
    print(json.dumps(report["train"]), flush=True)
    with open(out, "w") as f:
        json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
