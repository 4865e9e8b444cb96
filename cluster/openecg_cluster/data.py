"""The shard export (`openecg export --format shards`, docs/cluster.md) as a PyTorch dataset.

Every rank memory-maps the shards (nothing is copied into memory up front); a
DistributedSampler subclass deals each rank its share of one seeded permutation per epoch (the
workstation's EpochOrder permutation); and each record is normalised and augmented inside the
DataLoader workers from seeds of (run seed, step, view, place in the global batch), so a record
gets the same view whichever rank holds it and however many ranks there are.
"""
import hashlib
import json
import os

import numpy as np
import torch
from torch.utils.data import Dataset, DistributedSampler

from .augment import augment_record, normalize_batch
from .rng import Rng, derive_seed

INDEX = "index.json"


class ShardSet:
    """index.json and the memory-mapped shards of one export."""

    def __init__(self, folder, verify=False):
        self.folder = folder
        with open(os.path.join(folder, INDEX), encoding="utf-8") as f:
            self.index = json.load(f)
        if self.index.get("format") != "openecg-shards":
            raise ValueError(f"{folder}: not an openecg shard export (format {self.index.get('format')!r})")
        self.shard_size = self.index["shard_size"]
        self.scale = 1000.0 if self.index["dtype"] == "int16" else 1.0  # int16 is microvolts
        recs = self.index["records"]
        self.split = np.array(recs["split"], dtype=object)
        self.count = len(recs["id"])
        self.signals, self.labels = [], []
        for s in self.index["shards"]:
            if verify:
                for key in ("signals", "labels"):
                    digest = sha256_of(os.path.join(folder, s[key]))
                    if digest != s[f"{key}_sha256"]:
                        raise ValueError(f"{s[key]}: SHA-256 differs from index.json (damaged or partly copied)")
            self.signals.append(np.load(os.path.join(folder, s["signals"]), mmap_mode="r"))
            self.labels.append(np.load(os.path.join(folder, s["labels"]), mmap_mode="r"))

    def record(self, i):
        """(signal 12 x T float32 mV, labels float32 24) of export row i."""
        s, o = divmod(int(i), self.shard_size)
        return np.asarray(self.signals[s][o], dtype=np.float32) / np.float32(self.scale), np.asarray(self.labels[s][o], dtype=np.float32)

    def rows(self, parts=None):
        """Export rows whose patient's split part is in `parts` (all when None), ascending."""
        if parts is None:
            return np.arange(self.count)
        return np.nonzero(np.isin(self.split, list(parts)))[0]


def unit_hash(*parts):
    """splits.ts unitHash: the first 48 bits of SHA-256 over the parts joined by U+001F, in [0, 1)."""
    digest = hashlib.sha256("\u001f".join(str(p) for p in parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:6], "big") / 2 ** 48


def cap_rows(rows, record_ids, max_records, seed):
    """selection.ts capRecords: at most max_records rows, the first by unit_hash(seed, 'cap', id)."""
    if not max_records or len(rows) <= max_records:
        return rows
    ranked = sorted(rows, key=lambda r: (unit_hash(seed, "cap", record_ids[r]), record_ids[r]))
    return np.array(sorted(ranked[:max_records]))


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


class Preparer:
    """Turns one raw record into a training item: z-scored, then the method's views or masks.
    Picklable (plain settings), so DataLoader workers run it."""

    def __init__(self, kind, seed, augment, normalisation="zscore-per-lead", tokens=40, mask_ratio=0.75):
        self.kind, self.seed, self.augment = kind, seed, augment
        self.normalisation, self.tokens, self.mask_ratio = normalisation, tokens, mask_ratio

    def view(self, x, step, view, position):
        out = x.copy()
        augment_record(out, self.augment, Rng(derive_seed(derive_seed(self.seed, step, view), int(position))))
        return out

    def __call__(self, x, y, step, position):
        x = normalize_batch(x[None], self.normalisation)[0]
        if self.kind in ("simclr", "byol"):
            return self.view(x, step, 1, position), self.view(x, step, 2, position)
        if self.kind == "mae":
            from .ssl import random_patch_mask

            mask, order, _ = random_patch_mask(self.tokens, self.mask_ratio, derive_seed(self.seed, step, 3, int(position)))
            return self.view(x, step, 1, position), order, mask.astype(np.float32)
        return self.view(x, step, 1, position), y  # probe / finetune


class TrainItems(Dataset):
    """Items addressed by (row, step, position in the global batch), as StepBatches yields them."""

    def __init__(self, shards, prepare):
        self.shards, self.prepare = shards, prepare

    def __len__(self):
        return self.shards.count

    def __getitem__(self, key):
        row, step, position = key
        x, y = self.shards.record(row)
        return tuple(torch.from_numpy(np.ascontiguousarray(a)) for a in self.prepare(x, y, step, position))


class EpochSampler(DistributedSampler):
    """DistributedSampler over `rows` whose per-epoch order is the workstation's seeded
    permutation (train/data.ts EpochOrder), cut to whole global batches so every rank runs the
    same number of equal steps. Rank r takes places r, r + W, r + 2W ... of the order."""

    def __init__(self, rows, global_batch, num_replicas, rank, seed):
        super().__init__(range(len(rows)), num_replicas=num_replicas, rank=rank, shuffle=True, seed=seed, drop_last=True)
        if global_batch % num_replicas:
            raise ValueError(f"batch size {global_batch} is not a multiple of the {num_replicas} ranks")
        self.rows, self.global_batch = np.asarray(rows), global_batch
        self.steps_per_epoch = len(rows) // global_batch
        if self.steps_per_epoch < 1:
            raise ValueError(f"{len(rows)} records cannot fill one batch of {global_batch}")
        self.num_samples = self.steps_per_epoch * global_batch // num_replicas

    def order(self, epoch):
        perm = Rng(derive_seed(self.seed, epoch)).permutation(len(self.rows))
        return self.rows[perm[: self.steps_per_epoch * self.global_batch]]

    def __iter__(self):
        return iter(self.order(self.epoch)[self.rank:: self.num_replicas].tolist())


class StepBatches:
    """Batch sampler: lists of (row, global step, position) for each step of one epoch from
    `first_step` on (a resumed run starts inside an epoch)."""

    def __init__(self, sampler, epoch, first_step):
        self.sampler, self.epoch, self.first = sampler, epoch, first_step

    def steps(self):
        s = self.sampler
        return range(self.epoch * s.steps_per_epoch + self.first, (self.epoch + 1) * s.steps_per_epoch)

    def __len__(self):
        return len(self.steps())

    def __iter__(self):
        s = self.sampler
        s.set_epoch(self.epoch)
        mine = list(iter(s))
        local = s.global_batch // s.num_replicas
        for step in self.steps():
            k = step - self.epoch * s.steps_per_epoch
            rows = mine[k * local:(k + 1) * local]
            yield [(r, step, s.rank + s.num_replicas * i) for i, r in enumerate(rows)]
