#!/usr/bin/python3
"""Decode images shipped in Debian packages into raw arrays for the MedIMeta writer.

usage: /usr/bin/python3 tools/real-images/extract.py RAW_DIR [--small]

Writes RAW_DIR/<id>/pixels.u8 (N x 224 x 224 x C uint8, channels last) and RAW_DIR/<id>/meta.json
(tasks with one label per image, the split of each image, licence). The MedIMeta files themselves are
written by src/data/medimeta/fixture/from-images.ts (through tools/medimeta-fixture/cli.mjs --real).
Deterministic: fixed seeds, fixed file names (no directory listing), no time or host in the output.
"""
import gzip
import json
import os
import sys

import nibabel as nib
import numpy as np
from PIL import Image
from scipy import ndimage
import skimage.data
from skimage.color import rgb2hed

SIZE = 224
SPLITS = ("train", "val", "test")
SKIMAGE = os.path.dirname(skimage.data.__file__)  # only the images the package ships, no pooch
FASHION = "/usr/share/datasets/fashion-mnist"
MRICRON = "/usr/share/mricron/templates"

# Images per unit (a class, or a cell of two tasks) and split: full set, then --small.
QUOTA = {
    "fashion": ((60, 20, 40), (20, 10, 20)),
    "textures": ((150, 40, 60), (20, 10, 20)),
    "ihc_dab": ((100, 30, 40), (20, 10, 20)),
    "brain_human": ((30, 7, 12), (7, 4, 7)),
    "brain_species": ((60, 15, 25), (10, 5, 10)),
}

# 4 x 4 blocks of 128 px over a 512 x 512 image (row by row; T test, V val, R train): crops never
# cross a block, so no pixel is in two splits. Hand-picked so that each split of ihc.png has blocks
# of low, mixed and high DAB staining.
BLOCK = 128
BLOCK_SPLIT = {(i // 4, i % 4): {"T": "test", "V": "val", "R": "train"}[c]
               for i, c in enumerate("VTRR" "RRRV" "RVRR" "TRRT")}
CROP_MIN, CROP_MAX = 56, 128


def copyright_of(package):
    with open(f"/usr/share/doc/{package}/copyright", encoding="utf-8") as f:
        return f.read()


def to224(a):
    """uint8 HxW or HxWx3 -> 224 x 224 (PIL bilinear), channels last."""
    return np.asarray(Image.fromarray(a).resize((SIZE, SIZE), Image.BILINEAR))


class Builder:
    """Collects images with their labels, split and source name; writes them in a seeded order."""

    def __init__(self, meta, channels, seed):
        self.meta, self.channels, self.rng = meta, channels, np.random.default_rng(seed)
        self.images, self.labels, self.split, self.origin = [], [], [], []

    def add(self, img, labels, split, origin, original_split=None):
        self.images.append(img.reshape(SIZE, SIZE, self.channels))
        self.labels.append(labels)
        self.split.append(split)
        self.origin.append((origin, original_split or split))

    def write(self, raw):
        order = self.rng.permutation(len(self.images))  # index says nothing about class or split
        out = os.path.join(raw, self.meta["id"])
        os.makedirs(out, exist_ok=True)
        np.stack([self.images[i] for i in order]).tofile(os.path.join(out, "pixels.u8"))
        for t in self.meta["tasks"]:
            t["values"] = [int(self.labels[i][t["name"]]) for i in order]
        meta = dict(self.meta, channels=self.channels, n=len(order),
                    split=[self.split[i] for i in order],
                    originalPaths=[self.origin[i][0] for i in order],
                    originalSplit=[self.origin[i][1] for i in order])
        with open(os.path.join(out, "meta.json"), "w", encoding="utf-8") as f:
            json.dump(meta, f, indent=1, sort_keys=True)
        counts = {s: meta["split"].count(s) for s in SPLITS}
        print(f"{self.meta['id']}: {len(order)} images {counts}")


def cycle(rng, items, n):
    """n items, each used as evenly as possible, in a seeded order."""
    return rng.permutation(np.resize(rng.permutation(items), n))


def task(name, target, names):
    return {"name": name, "target": target,
            "labels": [{"value": v, "name": n} for v, n in names]}


# ---------------------------------------------------------------- Fashion-MNIST

FASHION_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
TOPS = {0, 2, 4, 6}


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


def fashion(raw, small):
    q = QUOTA["fashion"][small]
    classes = range(5) if small else range(10)
    meta = {
        "id": "fashion", "name": "Fashion-MNIST product photos",
        "summary": "Grayscale 28 x 28 photographs of Zalando fashion products (Fashion-MNIST), "
                   "upsampled to 224 x 224, with the product class and whether it is a top.",
        "domain": "Product photography",
        "tasks": [task("garment class", "MULTICLASS_CLASSIFICATION",
                       [(c, FASHION_CLASSES[c]) for c in classes]),
                  task("top garment", "BINARY_CLASSIFICATION",
                       [(0, "other"), (1, "top (T-shirt/top, pullover, coat, shirt)")])],
        "domainOverlaps": [], "subjectOverlaps": [],
        "license": "MIT (Expat), Copyright 2017 Zalando SE; Debian package dataset-fashion-mnist",
        "licenseText": copyright_of("dataset-fashion-mnist"),
    }
    b = Builder(meta, 1, seed=101)
    for part, splits in (("train", ("train", "val")), ("t10k", ("test",))):
        imgs = read_idx(f"{FASHION}/{part}-images-idx3-ubyte.gz")
        labels = read_idx(f"{FASHION}/{part}-labels-idx1-ubyte.gz")
        for c in classes:
            idx = b.rng.permutation(np.flatnonzero(labels == c))
            at = 0
            for s in splits:
                n = q[SPLITS.index(s)]
                for i in sorted(idx[at:at + n]):
                    b.add(to224(imgs[i]), {"garment class": c, "top garment": int(c in TOPS)}, s,
                          f"{part}-images-idx3-ubyte.gz#{i}", "test" if part == "t10k" else "train")
                at += n
    b.write(raw)


# ---------------------------------------------------------------- crops of skimage photographs

def sample_crops(b, img, name, label_of, labels, quota, seed):
    """Random crops (56-128 px, one of 8 turns and flips) inside the blocks of each split until every
    label has its quota. label_of(y, x, s) -> label; labels(label) -> the task labels of the crop."""
    rng = np.random.default_rng(seed)
    for split in SPLITS:
        blocks = sorted(k for k, v in BLOCK_SPLIT.items() if v == split)
        need = dict(quota[split])
        for _ in range(200_000):
            if not any(need.values()):
                break
            by, bx = blocks[rng.integers(len(blocks))]
            s = int(rng.integers(CROP_MIN, CROP_MAX + 1))
            y = by * BLOCK + int(rng.integers(0, BLOCK - s + 1))
            x = bx * BLOCK + int(rng.integers(0, BLOCK - s + 1))
            turn = int(rng.integers(8))
            label = label_of(y, x, s)
            if need.get(label, 0) == 0:
                continue
            need[label] -= 1
            crop = np.rot90(img[y:y + s, x:x + s], turn % 4)
            crop = np.ascontiguousarray(crop[:, ::-1] if turn >= 4 else crop)
            b.add(to224(crop), labels(label), split, f"{name}#y={y},x={x},size={s},turn={turn}")
        if any(need.values()):
            raise SystemExit(f"{name}: not enough crops for {split}: {need}")


def textures(raw, small):
    q = QUOTA["textures"][small]
    names = ("brick", "grass", "gravel")
    meta = {
        "id": "textures", "name": "Brick, grass and gravel textures",
        "summary": "Crops of three CC0 texture photographs shipped with scikit-image, at random "
                   "scales and turns; train, val and test crops come from disjoint image blocks.",
        "domain": "Texture photography",
        "tasks": [task("texture class", "MULTICLASS_CLASSIFICATION", list(enumerate(names)))],
        "domainOverlaps": [], "subjectOverlaps": [],
        "license": "CC0 1.0 (brick, grass, gravel photographs); scikit-image BSD-3-Clause; Debian package python3-skimage",
        "licenseText": "brick.png, grass.png, gravel.png: Creative Commons CC0 1.0 (see skimage.data docstrings).\n\n"
                       + copyright_of("python3-skimage"),
    }
    b = Builder(meta, 1, seed=202)
    for c, n in enumerate(names):
        img = np.asarray(Image.open(f"{SKIMAGE}/{n}.png").convert("L"))
        quota = {s: {c: q[i]} for i, s in enumerate(SPLITS)}
        sample_crops(b, img, f"{n}.png", lambda y, x, s, c=c: c, lambda c: {"texture class": c},
                     quota, seed=300 + c)
    b.write(raw)


DAB_LEVELS = ((0, "under 25 %"), (1, "25 to 75 %"), (2, "over 75 %"))


def ihc(raw, small):
    q = QUOTA["ihc_dab"][small]
    meta = {
        "id": "ihc_dab", "name": "Immunohistochemistry DAB staining of colonic glands",
        "summary": "Crops of an IHC photomicrograph (FHL2 revealed with DAB, hematoxylin counterstain) "
                   "graded by the share of DAB-stained pixels; splits come from disjoint blocks.",
        "domain": "Immunohistochemistry",
        "tasks": [task("DAB-stained area", "ORDINAL_REGRESSION", DAB_LEVELS),
                  task("DAB positive", "BINARY_CLASSIFICATION", [(0, "no (under 25 %)"), (1, "yes (25 % or more)")])],
        "domainOverlaps": [], "subjectOverlaps": [],
        "license": "ihc.png: no known copyright restrictions (scikit-image data); scikit-image BSD-3-Clause; Debian package python3-skimage",
        "licenseText": "ihc.png: no known copyright restrictions (skimage.data.immunohistochemistry docstring).\n\n"
                       + copyright_of("python3-skimage"),
    }
    img = np.asarray(Image.open(f"{SKIMAGE}/ihc.png").convert("RGB"))
    # Share of DAB-positive pixels in a crop, from an integral image (colour deconvolution, Ruifrok).
    dab = (rgb2hed(img)[..., 2] > 0.03).astype(np.float64)
    ii = np.pad(dab.cumsum(0).cumsum(1), ((1, 0), (1, 0)))

    def level(y, x, s):
        f = (ii[y + s, x + s] - ii[y, x + s] - ii[y + s, x] + ii[y, x]) / (s * s)
        return 0 if f < 0.25 else 1 if f < 0.75 else 2

    b = Builder(meta, 3, seed=404)
    quota = {s: {c: q[i] for c, _ in DAB_LEVELS} for i, s in enumerate(SPLITS)}
    sample_crops(b, img, "ihc.png", level, lambda c: {"DAB-stained area": c, "DAB positive": int(c > 0)},
                 quota, seed=405)
    b.write(raw)


# ---------------------------------------------------------------- brain MRI slices

ORIENT = ((0, "axial"), (1, "coronal"), (2, "sagittal"))
AXIS_OF = {0: 2, 1: 1, 2: 0}  # orientation -> voxel axis in RAS order
POSITION = tuple((k, f"fifth {k + 1} of the brain extent"
                  + (" (inferior, posterior or left end)" if k == 0 else " (superior, anterior or right end)" if k == 4 else ""))
                 for k in range(5))
# Where test, val and train slices lie inside each part (fifth or third) of the brain, as fractions
# of its width; the gaps (0.08-0.10) keep neighbouring, near-identical slices out of different splits.
STRIPES = (("test", 0.08, 0.30), ("val", 0.40, 0.54), ("train", 0.64, 1.0))


def load_volume(name):
    v = np.asarray(nib.as_closest_canonical(nib.load(f"{MRICRON}/{name}")).dataobj, dtype=np.float32)
    return np.clip(v / np.percentile(v[v > 0], 99.5), 0, 1) * 255


class Volume:
    """A volume, the brain's bounding box (from a brain mask) and the slices of each fifth and split."""

    def __init__(self, name, brain_mask, trim):
        self.name, self.v = name, load_volume(name)
        ext = []
        for a in range(3):
            idx = np.flatnonzero(brain_mask.any(axis=tuple(i for i in range(3) if i != a)))
            lo, hi = idx[0], idx[-1] + 1
            cut = int(round((hi - lo) * trim))  # the brain's ends are small caps
            ext.append((lo, hi, lo + cut, hi - cut))
        self.ext = ext
        self.side = 1.15 * max(hi - lo for lo, hi, _, _ in ext)

    def slices(self, axis, part, split, parts=5):
        _, _, lo, hi = self.ext[axis]
        w = (hi - lo) / parts
        return [k for k in range(lo, hi) for s, f0, f1 in STRIPES
                if s == split and f0 <= (k - lo) / w - part < f1]

    def render(self, axis, k, rng):
        """Slice k along axis, superior/anterior up, centred on the brain, with a small random
        rotation, scale, shift and gamma; bilinear onto 224 x 224."""
        sl = np.rot90(self.v[(slice(None),) * axis + (k,)])  # a view (np.take is slow on nibabel's Fortran order)
        others = [self.ext[i] for i in range(3) if i != axis]
        # after rot90: rows run along the second remaining axis, reversed; columns along the first
        rows = sl.shape[0]
        cy = rows - (others[1][0] + others[1][1]) / 2
        cx = (others[0][0] + others[0][1]) / 2
        th = np.deg2rad(rng.uniform(-10, 10))
        scale = self.side / SIZE / rng.uniform(0.92, 1.08)
        m = scale * np.array([[np.cos(th), -np.sin(th)], [np.sin(th), np.cos(th)]])
        shift = rng.uniform(-0.03, 0.03, 2) * self.side
        off = np.array([cy, cx]) + shift - m @ np.array([(SIZE - 1) / 2] * 2)
        out = ndimage.affine_transform(sl, m, offset=off, output_shape=(SIZE, SIZE), order=1, cval=0.0)
        out = 255 * (np.clip(out, 0, 255) / 255) ** rng.uniform(0.85, 1.18)
        return np.round(out).astype(np.uint8)


def brain_human(raw, small):
    q = QUOTA["brain_human"][small]
    bet = load_volume("ch2bet.nii.gz") > 0
    vol = Volume("ch2.nii.gz", bet, trim=0.04)
    meta = {
        "id": "brain_human", "name": "Human brain MRI slices (Colin27 T1)",
        "summary": "Axial, coronal and sagittal slices of the Colin27 T1 brain MRI (ch2, 1 mm, with skull) "
                   "with small random turns and scales; task: orientation and position along the brain.",
        "domain": "Brain MRI",
        "tasks": [task("slice orientation", "MULTICLASS_CLASSIFICATION", ORIENT),
                  task("slice position", "ORDINAL_REGRESSION", POSITION)],
        "domainOverlaps": ["brain_species"], "subjectOverlaps": ["brain_species"],
        "license": "BSD-3-Clause (Debian copyright of mricron-data, MRIcron templates)",
        "licenseText": copyright_of("mricron-data"),
    }
    b = Builder(meta, 1, seed=505)
    rng = np.random.default_rng(506)
    for o, _ in ORIENT:
        for fifth in range(5):
            for i, split in enumerate(SPLITS):
                for k in cycle(rng, vol.slices(AXIS_OF[o], fifth, split), q[i]):
                    b.add(vol.render(AXIS_OF[o], int(k), rng), {"slice orientation": o, "slice position": fifth},
                          split, f"ch2.nii.gz#{ORIENT[o][1]}={k}")
    b.write(raw)


def brain_species(raw, small):
    q = QUOTA["brain_species"][small]
    human_v = load_volume("ch2bet.nii.gz")
    macaque_v = load_volume("inia19-t1-brain.nii.gz")
    vols = (Volume("ch2bet.nii.gz", human_v > 0, trim=0.10),
            Volume("inia19-t1-brain.nii.gz", macaque_v > 0, trim=0.10))
    meta = {
        "id": "brain_species", "name": "Human or macaque brain MRI slices",
        "summary": "Slices of two skull-stripped T1 brain MRI, the human Colin27 (ch2bet) and the rhesus "
                   "macaque INIA19 template, each framed to its brain; task: species and orientation.",
        "domain": "Brain MRI",
        "tasks": [task("species", "BINARY_CLASSIFICATION", [(0, "human"), (1, "rhesus macaque")]),
                  task("slice orientation", "MULTICLASS_CLASSIFICATION", ORIENT)],
        "domainOverlaps": ["brain_human"], "subjectOverlaps": ["brain_human"],
        "license": "BSD-3-Clause (Debian copyright of mricron-data, MRIcron templates)",
        "licenseText": copyright_of("mricron-data"),
    }
    b = Builder(meta, 1, seed=606)
    rng = np.random.default_rng(607)
    for sp, vol in enumerate(vols):
        for o, _ in ORIENT:
            a = AXIS_OF[o]
            for i, split in enumerate(SPLITS):
                ks = sorted(set().union(*(vol.slices(a, p, split, parts=3) for p in range(3))))
                for k in cycle(rng, ks, q[i]):
                    b.add(vol.render(a, int(k), rng), {"species": sp, "slice orientation": o},
                          split, f"{vol.name}#{ORIENT[o][1]}={k}")
    b.write(raw)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        raise SystemExit(__doc__)
    small = int("--small" in sys.argv)
    for build in (fashion, textures, ihc, brain_human, brain_species):
        build(args[0], small)


if __name__ == "__main__":
    main()
