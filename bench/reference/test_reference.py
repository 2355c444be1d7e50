"""Unit tests of the PyTorch reference trainer, without data: /usr/bin/python3 -m unittest bench/reference/test_reference.py

The statistics on hand numbers, AUROC with ties, preprocessing against a hand computation, the weight layout, and a
tiny synthetic end-to-end run (a hand-built two-task plan of 16 x 16 images, Conv-4 of width 4: the smallest side
that survives four 2 x 2 pools).
"""

import base64
import math
import os
import sys
import unittest

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import train_torch as T  # noqa: E402
import finetune_torch as FT  # noqa: E402
import linear_probe_torch as LP  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


class StatsTest(unittest.TestCase):
    def test_summary_is_sample_std(self):
        s = T.summarize([0.2, 0.4, float("nan"), 0.9])
        self.assertEqual(s["n"], 3)
        self.assertEqual(s["nanCount"], 1)
        self.assertAlmostEqual(s["mean"], 0.5)
        sd = math.sqrt(((0.2 - 0.5) ** 2 + (0.4 - 0.5) ** 2 + (0.9 - 0.5) ** 2) / 2)
        self.assertAlmostEqual(s["std"], sd)
        self.assertAlmostEqual(s["ci95"], 1.96 * sd / math.sqrt(3))
        self.assertTrue(math.isnan(T.summarize([0.3])["ci95"]))

    def test_t_quantiles(self):
        self.assertEqual(T.t975(1), 12.706)
        self.assertEqual(T.t975(4), 2.776)
        self.assertEqual(T.t975(30), 2.042)
        self.assertEqual(T.t975(31), 1.96)

    def test_combine_two_repeats_by_hand(self):
        # m = [0.6, 0.7]: sd = 0.0707107; e = [0.55, 0.75, 0.65]: sd = 0.1; n = 3, R = 2, t(1) = 12.706.
        c = T.combine_repeats([[0.5, 0.7, 0.6], [0.6, 0.8, 0.7]])
        self.assertAlmostEqual(c["mean"], 0.65)
        training = 12.706 * math.sqrt(0.005) / math.sqrt(2)  # 0.63530
        episodes = 1.96 * 0.1 / math.sqrt(3)  # 0.11316
        self.assertAlmostEqual(c["trainingCi95"], training, places=9)
        self.assertAlmostEqual(c["episodeCi95"], episodes, places=9)
        self.assertAlmostEqual(c["ci95"], math.sqrt(training**2 + episodes**2), places=9)
        self.assertAlmostEqual(c["ci95"], 0.645300, places=5)

    def test_combine_one_repeat_is_the_episode_ci(self):
        vals = [0.1, 0.5, 0.3, 0.7]
        c = T.combine_repeats([vals])
        s = T.summarize(vals)
        self.assertEqual(c["trainingCi95"], 0.0)
        self.assertAlmostEqual(c["ci95"], s["ci95"])
        self.assertAlmostEqual(c["mean"], s["mean"])

    def test_auroc_ties_take_mid_ranks(self):
        # Ranks 1, 2.5, 2.5, 4; positives 2.5 + 4 = 6.5; (6.5 - 3) / (2 * 2) = 0.875.
        self.assertAlmostEqual(T.auroc([0.1, 0.4, 0.4, 0.8], [0, 0, 1, 1]), 0.875)
        self.assertAlmostEqual(T.auroc([0.3, 0.3, 0.3, 0.3], [0, 1, 0, 1]), 0.5)
        self.assertAlmostEqual(T.auroc([0.9, 0.1], [0, 1]), 0.0)
        self.assertTrue(math.isnan(T.auroc([0.2, 0.3], [1, 1])))
        # Saturated float32 probabilities (1.0 for several images) are ties, as ProtoBench scores them.
        # Ranks: 0.2 -> 1, the three 1.0 -> 3 each; positives 3 + 3 = 6; (6 - 3) / (2 * 2) = 0.75.
        self.assertAlmostEqual(T.auroc(np.float32([1.0, 1.0, 0.2, 1.0]), [1, 0, 0, 1]), 0.75)

    def test_multiclass_macro_skips_undefined_classes(self):
        scores = np.array([[0.7, 0.2, 0.1], [0.6, 0.3, 0.1], [0.2, 0.7, 0.1], [0.5, 0.4, 0.1]])
        labels = [0, 0, 1, 1]  # class 2 has no positive: NaN, left out
        a0 = T.auroc(scores[:, 0], [1, 1, 0, 0])
        a1 = T.auroc(scores[:, 1], [0, 0, 1, 1])
        self.assertAlmostEqual(T.multiclass_auroc(scores, labels), (a0 + a1) / 2)

    def test_binary_episode_scores_class_one(self):
        probs = np.array([[0.9, 0.1], [0.4, 0.6], [0.3, 0.7], [0.8, 0.2]], dtype=np.float32)
        labels = np.array([0, 1, 1, 0])
        acc, au = T.episode_metrics(probs, probs.argmax(1), labels, 2)
        self.assertEqual(acc, 1.0)
        self.assertEqual(au, 1.0)


    def test_log_odds_orders_saturated_probabilities(self):
        # As src/core/stats/log-odds.test.ts: hand rows, and gaps of 100, 101, 98 where p is exactly 1.
        lo = T.log_odds(np.array([[1.0, 2.0, 3.0]]))
        p = np.exp([1.0, 2.0, 3.0]) / np.exp([1.0, 2.0, 3.0]).sum()
        np.testing.assert_allclose(lo[0], np.log(p / (1 - p)), rtol=1e-12)
        far = T.log_odds(np.array([[-100.0, 0.0], [-101.0, 0.0], [-98.0, 0.0]]))
        np.testing.assert_allclose(far[:, 1], [100, 101, 98], rtol=1e-12)
        self.assertEqual(T.auroc(far[:, 1].tolist() + [-5.0], [True, True, False, False]), 1.0)


class LinearProbeTest(unittest.TestCase):
    def test_two_separated_points_by_hand(self):
        # x = -1 (class 0) and +1 (class 1) in 1-D, C = 1. By symmetry b = 0 and the weights are (-w, +w):
        # f = 2 log(1 + exp(-2w)) + w^2, so f' = 0 at w = 2 sigmoid(-2w); the logit gap at x is 2 w x.
        z = LP.linear_probe_logits(np.array([[-1.0], [1.0]]), np.array([0, 1]), np.array([[0.0], [3.0]]), 2)
        d = z[:, 1] - z[:, 0]
        self.assertAlmostEqual(d[0], 0.0, places=9)
        w = d[1] / 6
        self.assertAlmostEqual(w, 2 / (1 + math.exp(2 * w)), places=9)

    def test_shift_invariant_through_the_free_bias(self):
        r = np.random.default_rng(1)
        xs = np.abs(r.normal(size=(9, 40))) + 4
        xq = np.abs(r.normal(size=(5, 40))) + 4
        ys = np.array([0, 1, 2] * 3)
        a = LP.linear_probe_logits(xs, ys, xq, 3)
        b = LP.linear_probe_logits(xs - 4, ys, xq - 4, 3)
        p = lambda z: np.exp(z - z.max(1, keepdims=True)) / np.exp(z - z.max(1, keepdims=True)).sum(1, keepdims=True)  # noqa: E731
        self.assertLess(float(np.abs(p(a) - p(b)).max()), 1e-9)


    def test_closed_forms_are_the_objectives_derivatives(self):
        r = np.random.default_rng(2)
        z1 = np.hstack([r.normal(size=(7, 4)), np.ones((7, 1))])
        theta = r.normal(size=(5, 3))
        reg = np.full((5, 1), 0.7)
        reg[-1] = 0
        for kind, y in (("single", np.array([0, 1, 2, 0, 1, 2, 2])), ("multilabel", (r.random((7, 3)) < 0.5).astype(float))):
            f, g, h = LP._terms(z1, y, theta, reg, kind)
            t = torch.tensor(theta, requires_grad=True)
            zt = torch.tensor(z1)
            yt = torch.tensor(y)
            obj = lambda th: LP._objective(zt[:, :4], yt, th[:4], th[4], kind, 1 / 0.7)  # noqa: E731
            self.assertAlmostEqual(float(obj(t)), f, places=9)
            np.testing.assert_allclose(torch.autograd.functional.jacobian(obj, t).numpy(), g, atol=1e-9)
            ht = torch.autograd.functional.hessian(obj, t).numpy().reshape(15, 15)
            np.testing.assert_allclose(ht, h, atol=1e-9)


class FinetuneGoldenTest(unittest.TestCase):
    def test_the_committed_golden_is_what_pytorch_computes(self):
        """src/engine/fewshot/evaluators/finetune.test.ts compares ProtoBench to these numbers: they must be PyTorch's."""
        import json
        import tempfile

        path = os.path.join(HERE, "goldens", "finetune-conv4.json")
        with open(path) as f:
            g = json.load(f)
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "out.json")
            FT.golden(path, out)
            with open(out) as f:
                now = json.load(f)["torch"]
        np.testing.assert_allclose(now["losses"], g["torch"]["losses"], atol=1e-5)
        np.testing.assert_allclose(now["queryLogits"], g["torch"]["queryLogits"], atol=1e-5)
        self.assertLess(g["torch"]["losses"][9], g["torch"]["losses"][0] / 5)


class CompareTest(unittest.TestCase):
    def test_difference_rules(self):
        import compare_training as C

        side = lambda means, averaged, ci=0.01: {"repeats": len(means), "repeatMeans": means, "averaged": averaged, "ci95": ci, "mean": sum(means) / len(means)}  # noqa: E731
        # Both sides with 2 repeats: Welch over the repeat means; s^2 = 0.005 on each side, se = sqrt(0.005), df = 2.
        d = C.difference(side([0.6, 0.7], None), side([0.5, 0.6], None))
        self.assertAlmostEqual(d["mean"], 0.1)
        self.assertAlmostEqual(d["ci95"], 4.303 * math.sqrt(0.005))
        self.assertTrue(d["agree"])
        # One repeat: paired over the episodes, 1.96 sd(d_i) / sqrt(n).
        d = C.difference(side([0.55], [0.5, 0.6, 0.55]), side([0.5], [0.5, 0.5, 0.5]))
        self.assertAlmostEqual(d["ci95"], 1.96 * 0.05 / math.sqrt(3))
        self.assertAlmostEqual(d["mean"], 0.05)
        self.assertTrue(d["agree"])  # 0.05 <= 1.96 * 0.05 / sqrt(3) = 0.0566
        # Trained - pixels: every repeat against pixels' one evaluation, combined by the cell rule.
        b = C.baseline_difference(side([0.6, 0.7], [0.6, 0.7]), side([0.5], [0.5, 0.5]))
        c = T.combine_repeats([[0.1, 0.2], [0.1, 0.2]])
        self.assertAlmostEqual(b["mean"], 0.15)
        self.assertAlmostEqual(b["ci95"], math.sqrt((12.706 * math.sqrt(0.005) / math.sqrt(2)) ** 2 + c["episodeCi95"] ** 2))


class PreprocessTest(unittest.TestCase):
    @staticmethod
    def hand_bilinear(img: np.ndarray, size: int) -> np.ndarray:
        """tf.image.resizeBilinear(alignCorners=false, halfPixelCenters=true), in float64, one pixel at a time."""
        h, w = img.shape
        out = np.zeros((size, size))
        for y in range(size):
            sy = (y + 0.5) * h / size - 0.5
            y0 = max(0, math.floor(sy))
            y1 = min(h - 1, math.ceil(sy))
            fy = sy - y0
            for x in range(size):
                sx = (x + 0.5) * w / size - 0.5
                x0 = max(0, math.floor(sx))
                x1 = min(w - 1, math.ceil(sx))
                fx = sx - x0
                top = img[y0, x0] + (img[y0, x1] - img[y0, x0]) * fx
                bot = img[y1, x0] + (img[y1, x1] - img[y1, x0]) * fx
                out[y, x] = top + (bot - top) * fy
        return out

    def test_bilinear_half_pixel_centres_against_hand_computation(self):
        rng = np.random.default_rng(3)
        img = rng.integers(0, 256, size=(1, 224, 224), dtype=np.uint8)
        x = T.preprocess(img, 84)
        self.assertEqual(tuple(x.shape), (1, 3, 84, 84))
        hand = self.hand_bilinear(img[0].astype(np.float64) / 255, 84)
        self.assertLess(float(np.abs(x[0, 0].numpy() - hand).max()), 2e-5)
        # Gray is replicated into three equal channels.
        self.assertTrue(torch.equal(x[0, 0], x[0, 1]) and torch.equal(x[0, 0], x[0, 2]))

    def test_no_resize_at_224_is_exact_scaling(self):
        img = np.arange(224 * 224 * 3, dtype=np.int64).reshape(1, 224, 224, 3) % 256
        x = T.preprocess(img.astype(np.uint8), 224)
        want = torch.from_numpy(img.astype(np.float32)).permute(0, 3, 1, 2) * torch.tensor(1 / 255, dtype=torch.float32)
        self.assertTrue(torch.equal(x, want))

    def test_rgb_to_gray_is_pil_luma(self):
        img = np.array([[[[255, 0, 0], [0, 255, 0]], [[0, 0, 255], [10, 20, 30]]]], dtype=np.uint8)
        x = T.preprocess(img, 2, channels=1)
        luma = [(19595 * r + 38470 * g + 7471 * b + 32768) >> 16 for r, g, b in img.reshape(-1, 3).tolist()]
        got = (x.reshape(-1) * 255).round().int().tolist()
        self.assertEqual(got, luma)


class WeightsTest(unittest.TestCase):
    def test_hwio_filters_become_oihw(self):
        rng = np.random.default_rng(1)
        tensors = init_tensors(rng, width=4)
        model = T.build_encoder("conv4", {t["name"]: np.frombuffer(base64.b64decode(t["base64"]), "<f4").reshape(t["shape"]) for t in tensors})
        w_hwio = np.frombuffer(base64.b64decode(tensors[0]["base64"]), "<f4").reshape(tensors[0]["shape"])
        x = rng.random((1, 3, 5, 5)).astype(np.float32)
        y = model.block0.conv(torch.from_numpy(x)).detach().numpy()
        # Output channel 2 at (2, 2): sum over the 3x3 window and input channels of x * W[kh, kw, cin, 2].
        hand = sum(x[0, c, 1 + i, 1 + j] * w_hwio[i, j, c, 2] for i in range(3) for j in range(3) for c in range(3))
        self.assertAlmostEqual(float(y[0, 2, 2, 2]), float(hand), places=5)


class MaxPoolTiesTest(unittest.TestCase):
    def grad(self, mode):
        T.POOL_TIES["mode"] = mode
        try:
            x = torch.tensor([[[[1.0, 1.0, 0.0], [0.0, 1.0, 0.0], [5.0, 5.0, 5.0]]]], requires_grad=True)
            y = T.pool_act(x, F.relu)
            y.sum().backward()
            return y.detach(), x.grad
        finally:
            T.POOL_TIES["mode"] = "first"

    def test_all_ties_routes_the_gradient_to_every_tied_maximum(self):
        y1, g1 = self.grad("first")
        y2, g2 = self.grad("all")
        self.assertTrue(torch.equal(y1, y2))  # same values; odd last row and column in no window
        self.assertEqual(float(g1.sum()), 1.0)  # PyTorch: one maximum of the window
        self.assertEqual(g2[0, 0].tolist(), [[1.0, 1.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]])


# ---------------------------------------------------------------------------------------------------------
# A hand-built plan


def b64(a: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(a, dtype="<f4").tobytes()).decode()


def init_tensors(rng, width=4, channels=3):
    """Conv-4 at a He-uniform init, as layers.ts `addConvBn` registers it (tfjs names, HWIO filters)."""
    out = []
    cin = channels
    for b in range(4):
        bound = math.sqrt(6 / (9 * cin))
        w = rng.uniform(-bound, bound, size=(3, 3, cin, width)).astype(np.float32)
        for name, a in (
            ("conv.weight", w),
            ("bn.weight", np.ones(width, np.float32)),
            ("bn.bias", np.zeros(width, np.float32)),
            ("bn.running_mean", np.zeros(width, np.float32)),
            ("bn.running_var", np.ones(width, np.float32)),
        ):
            out.append({"name": f"block{b}.{name}", "shape": list(a.shape), "dtype": "float32", "base64": b64(a)})
        cin = width
    return out


def make_images(rng, n, kind):
    """16 x 16 gray images and their class (0/1). `stripes`: horizontal vs vertical stripes with noise (to be
    learnt); `brightness`: dark vs bright (an untrained encoder already separates them)."""
    y = np.arange(n) % 2
    img = np.zeros((n, 16, 16))
    yy, xx = np.mgrid[0:16, 0:16]
    for i in range(n):
        if kind == "stripes":
            pat = ((yy // 2) % 2) if y[i] == 0 else ((xx // 2) % 2)
            img[i] = 80 + 90 * pat + rng.normal(0, 40, (16, 16))
        else:
            img[i] = (50 if y[i] == 0 else 200) + rng.normal(0, 10, (16, 16))
    return np.clip(img, 0, 255).astype(np.uint8), y


def episode(rng, labels, pool, shot, query):
    sup, qry = [], []
    for c in (0, 1):
        idx = rng.permutation([i for i in pool if labels[i] == c])[: shot + query]
        sup += [[int(i), c] for i in idx[:shot]]
        qry += [[int(i), c] for i in idx[shot:]]
    return {"classes": [{"value": 0, "name": "a"}, {"value": 1, "name": "b"}], "support": sup, "query": qry}


def tiny_plan(lr=0.01, steps=30, val_every=10, patience=0, val_kind="stripes", validate=True, seed=0):
    rng = np.random.default_rng(seed)
    arrays, labels = {}, {}
    for d, kind in (("x", "stripes"), ("y", val_kind), ("z", "stripes")):
        arrays[d], labels[d] = make_images(rng, 40, kind)
    train, val = list(range(0, 28)), list(range(28, 40))
    sources = [
        {"task": "x/A", "dataset": "x", "way": 2, "validated": validate},
        {"task": "y/B", "dataset": "y", "way": 2, "validated": validate},
    ]
    plan_steps = []
    for s in range(steps):
        src = int(rng.integers(2))
        ep = episode(rng, labels[sources[src]["dataset"]], train, 2, 3)
        plan_steps.append({"source": src, "support": ep["support"], "query": ep["query"]})
    validation = [[episode(rng, labels[s["dataset"]], val, 2, 3) for _ in range(4)] if validate else [] for s in sources]
    evals = [episode(rng, labels["z"], list(range(40)), 2, 5) for _ in range(10)]
    seed_w = 7
    plan = {
        "format": "protobench/protocol-plan",
        "version": 1,
        "trainerVersion": 6,
        "config": {
            "resolution": 16,
            "encoder": "conv4",
            "mode": "medimeta",
            "episodes": 10,
            "seed": seed_w,
            "training": {"steps": steps, "way": 2, "shot": 2, "query": 3, "lr": lr, "valEvery": val_every},
        },
        "protocol": {"trainSeeds": 1, "trainingSeeds": [seed_w], "patience": patience, "valEpisodes": 4, "valEvery": val_every},
        "encoder": {"name": "conv4", "inputSize": 16, "channels": 3, "seed": seed_w},
        "datasets": [{"id": d, "folder": "", "numImages": 40, "channels": 1, "domain": d} for d in "xyz"],
        "cells": [
            {"key": k, "source": k, "target": {"dataset": "z", "task": "C"}, "k": 2, "way": 2, "trainingKey": tk, "sourceTasks": []}
            for k, tk in (("all-except-target", "key1"), ("untrained", None), ("pixels", None))
        ],
        "eval": [{"target": {"dataset": "z", "task": "C"}, "k": 2, "split": "test", "kind": "single", "episodes": evals}],
        "trainings": [
            {
                "trainingKey": "key1",
                "repeat": 0,
                "seed": seed_w,
                "targetDataset": "z",
                "sourceTasks": ["x/A", "y/B"],
                "sources": sources,
                "skipped": [],
                "steps": plan_steps,
                "validation": validation,
            }
        ],
        "inits": {str(seed_w): init_tensors(np.random.default_rng(seed_w))},
    }
    return plan, arrays


class EndToEndTest(unittest.TestCase):
    def setUp(self):
        torch.set_num_threads(2)

    def test_trains_validates_and_evaluates(self):
        plan, arrays = tiny_plan(lr=0.01, steps=40, val_every=10)
        out = T.run_plan(plan, arrays)
        tr = out["trainings"][0]
        self.assertEqual([v["step"] for v in tr["curve"]], [0, 10, 20, 30, 40])
        self.assertTrue(math.isnan(tr["curve"][0]["loss"]))
        losses = [h["loss"] for h in tr["history"]]
        self.assertLess(np.mean(losses[-10:]), np.mean(losses[:10]))
        # The gated rule: the best val AUROC among the init and the checkpoints beyond their paired CI.
        cands = [v for v in tr["curve"] if v["step"] == 0 or v["gain"] > v["gainCi95"]]
        best = max(cands, key=lambda v: v["auroc"])  # first maximum: ties keep the earlier
        self.assertEqual(tr["chosen"]["step"], best["step"])
        self.assertEqual(tr["stoppedStep"], 40)
        state = out["_states"]["key1#0"]
        if tr["chosen"]["step"] > 0:  # running statistics moved away from their init (0, 1)
            self.assertGreater(float(state["block0.bn.running_mean"].abs().max()), 0)
        cells = {c["source"]: c for c in out["cells"]}
        self.assertEqual(set(cells), {"all-except-target", "untrained", "pixels"})
        for c in cells.values():
            self.assertEqual(len(c["perEpisode"]["accuracy"]), 10)
            self.assertTrue(0 <= c["accuracy"]["mean"] <= 1 and 0 <= c["auroc"]["mean"] <= 1)
        # The untrained row is the init evaluated directly.
        images = T.Images(arrays, 16)
        model = T.build_encoder("conv4", T.decode_tensors(plan["inits"]["7"]))
        acc, au = T.run_episodes(T.Embeddings(model.eval(), images), "z", plan["eval"][0]["episodes"])
        self.assertEqual(cells["untrained"]["repeats"][0]["perEpisode"]["accuracy"], acc)
        self.assertEqual(cells["untrained"]["repeats"][0]["perEpisode"]["auroc"], au)
        self.assertIsNone(cells["pixels"]["repeats"][0]["seed"])
        self.assertIn("| all-except-target |", T.markdown_table(plan, out["cells"]))

    def test_huge_learning_rate_keeps_the_init_and_stops_early(self):
        # The val tasks are dark-vs-bright: the init already has val AUROC 1; training at lr 1 cannot beat it
        # (a tie keeps the earlier checkpoint), and patience 1 stops at the first validation without gain.
        plan, arrays = tiny_plan(lr=1.0, steps=30, val_every=5, patience=1, val_kind="brightness")
        plan["trainings"][0]["validation"][0] = []  # validate on the dark-vs-bright task only
        plan["trainings"][0]["sources"][0]["validated"] = False
        out = T.run_plan(plan, arrays)
        tr = out["trainings"][0]
        self.assertEqual(tr["curve"][0]["auroc"], 1.0)
        self.assertEqual(tr["chosen"]["step"], 0)
        self.assertEqual(tr["stoppedStep"], 5)
        self.assertEqual([v["step"] for v in tr["curve"]], [0, 5])
        init = T.decode_tensors(plan["inits"]["7"])
        state = out["_states"]["key1#0"]
        self.assertTrue(np.array_equal(state["block1.conv.weight"].numpy(), init["block1.conv.weight"].transpose(3, 2, 0, 1)))
        self.assertEqual(float(state["block1.bn.running_var"].min()), 1.0)

    def test_gated_selection_needs_a_gain_beyond_its_ci(self):
        before = T.SELECTION["rule"]
        T.SELECTION["rule"] = "gated"
        try:
            plan, arrays = tiny_plan(lr=0.01, steps=40, val_every=10)
            tr = T.run_plan(plan, arrays)["trainings"][0]
            plan2, arrays2 = tiny_plan(lr=1.0, steps=30, val_every=5, patience=2, val_kind="brightness")
            plan2["trainings"][0]["validation"][0] = []  # the dark-vs-bright task only: the init scores 1
            plan2["trainings"][0]["sources"][0]["validated"] = False
            tr2 = T.run_plan(plan2, arrays2)["trainings"][0]
        finally:
            T.SELECTION["rule"] = before
        self.assertEqual(tr["curve"][0]["gain"], 0.0)
        chosen = next(v for v in tr["curve"] if v["step"] == tr["chosen"]["step"])
        self.assertTrue(chosen["step"] == 0 or chosen["gain"] > chosen["gainCi95"])
        candidates = [v for v in tr["curve"] if v["step"] == 0 or v["gain"] > v["gainCi95"]]
        self.assertEqual(chosen["auroc"], max(v["auroc"] for v in candidates))
        self.assertEqual(tr2["chosen"]["step"], 0)
        self.assertEqual(tr2["stoppedStep"], 10)  # two validations without a new highest score

    def test_patience_zero_never_stops(self):
        plan, arrays = tiny_plan(lr=1.0, steps=20, val_every=5, patience=0, val_kind="brightness")
        tr = T.run_plan(plan, arrays)["trainings"][0]
        self.assertEqual(tr["stoppedStep"], 20)
        self.assertEqual([v["step"] for v in tr["curve"]], [0, 5, 10, 15, 20])

    def test_without_validation_the_last_step_is_kept(self):
        plan, arrays = tiny_plan(lr=0.01, steps=12, val_every=5, validate=False)
        out = T.run_plan(plan, arrays)
        tr = out["trainings"][0]
        self.assertEqual(tr["curve"], [])
        self.assertEqual(tr["chosen"]["step"], 12)
        self.assertEqual(tr["stoppedStep"], 12)

    def test_validation_after_the_last_step(self):
        plan, arrays = tiny_plan(lr=0.01, steps=12, val_every=5)
        tr = T.run_plan(plan, arrays)["trainings"][0]
        self.assertEqual([v["step"] for v in tr["curve"]], [0, 5, 10, 12])
        self.assertEqual(len(tr["curve"][-1]["perTask"]), 2)

    def test_train_step_matches_a_hand_adam_step(self):
        # One Adam step from zero moments moves each parameter by lr * g / (|g| + eps) (bias-corrected), eps = 1e-7.
        plan, arrays = tiny_plan(lr=0.01, steps=1, val_every=0)
        out = T.run_plan(plan, arrays)
        images = T.Images(arrays, 16)
        init = T.decode_tensors(plan["inits"]["7"])
        model = T.build_encoder("conv4", init)
        st = plan["trainings"][0]["steps"][0]
        src = plan["trainings"][0]["sources"][st["source"]]
        x = images.get(src["dataset"], [p[0] for p in st["support"]] + [p[0] for p in st["query"]])
        model.train()
        loss, _ = T.proto_loss(model(x), torch.tensor([p[1] for p in st["support"]]), torch.tensor([p[1] for p in st["query"]]), 2)
        loss.backward()
        g = model.block2.conv.weight.grad
        want = model.block2.conv.weight.detach() - 0.01 * g / (g.abs() + 1e-7)
        got = out["_states"]["key1#0"]["block2.conv.weight"]
        self.assertLess(float((got - want).abs().max()), 1e-6)


if __name__ == "__main__":
    unittest.main()
