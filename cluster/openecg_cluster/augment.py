"""Model-input normalisation and the augmentations of src/main/ml/normalize.ts and augment.ts,
on numpy float32 records (leads x T), drawing from the same seeded streams: the same seed and
record give the same view as the workstation (to float32 rounding of sin/cos/log)."""
import math

import numpy as np

from .rng import Rng, derive_seed

FLAT_LEAD_STD = 1e-3

DEFAULT_AUGMENT = {
    "rate": 100,
    "crop": {"p": 0.5, "minScale": 0.8},
    "shift": {"p": 0.5, "maxShift": 50},
    "scale": {"p": 0.5, "min": 0.8, "max": 1.2},
    "wander": {"p": 0.3, "amplitude": 0.1, "maxFrequency": 0.5},
    "noise": {"p": 0.5, "std": 0.05},
    "timeMask": {"p": 0.5, "length": 100, "perLead": False},
    "leadMask": {"p": 0.2, "maxLeads": 3},
}
NO_AUGMENT = {k: (dict(v, p=0) if isinstance(v, dict) else v) for k, v in DEFAULT_AUGMENT.items()}


def augment_config(overrides=None, base=DEFAULT_AUGMENT):
    out = {k: (dict(v) if isinstance(v, dict) else v) for k, v in base.items()}
    for k, v in (overrides or {}).items():
        out[k] = dict(out[k], **v) if isinstance(v, dict) else v
    return out


def normalize_batch(x, how="zscore-per-lead"):
    """x (N, leads, T) float32 mV -> z-scored per record and lead (a flat lead only centred)."""
    x = np.asarray(x, dtype=np.float32)
    if how == "none":
        return x.copy()
    x64 = x.astype(np.float64)
    mean = x64.mean(axis=2, keepdims=True)
    std = np.sqrt(((x64 - mean) ** 2).mean(axis=2, keepdims=True))
    scale = np.where(std < FLAT_LEAD_STD, 1.0, std)
    return ((x64 - mean) / scale).astype(np.float32)


def resized_crop(r, rng, min_scale):
    leads, t = r.shape
    length = max(2, round_js(t * rng.between(min_scale, 1)))
    start = rng.int(t - length + 1)
    step = (length - 1) / max(1, t - 1)
    pos = start + np.arange(t) * step
    k = np.minimum(np.floor(pos), start + length - 2).astype(np.int64)
    f = pos - k
    src = r.astype(np.float64)
    r[:] = (src[:, k] * (1 - f) + src[:, k + 1] * f).astype(np.float32)


def round_js(x):
    return math.floor(x + 0.5)


def shift_record(r, rng, max_shift):
    t = r.shape[1]
    by = rng.int(2 * max_shift + 1) - max_shift
    if by > 0:
        r[:, by:] = r[:, : t - by].copy()
        r[:, : min(by, t)] = 0
    elif by < 0:
        r[:, : t + by] = r[:, -by:].copy()
        r[:, max(0, t + by):] = 0


def baseline_wander(r, rng, amplitude, max_frequency, rate):
    i = np.arange(r.shape[1])
    for lead in range(r.shape[0]):
        a = rng.between(0, amplitude)
        w = (2 * math.pi * rng.between(0.05, max(0.05, max_frequency))) / rate
        phase = rng.between(0, 2 * math.pi)
        r[lead] = (r[lead].astype(np.float64) + a * np.sin(w * i + phase)).astype(np.float32)


def time_mask(r, rng, length, per_lead):
    t = r.shape[1]
    n = min(length, t)
    shared = rng.int(t - n + 1)
    for lead in range(r.shape[0]):
        start = rng.int(t - n + 1) if per_lead else shared
        r[lead, start:start + n] = 0


def lead_mask(r, rng, max_leads):
    leads = r.shape[0]
    count = 1 + rng.int(max(1, min(max_leads, leads)))
    chosen = sorted(rng.permutation(leads)[:count].tolist())
    r[chosen] = 0


def augment_record(r, c, rng):
    """In place, the transforms in augment.ts's order (masks last)."""
    if rng.chance(c["crop"]["p"]):
        resized_crop(r, rng, c["crop"]["minScale"])
    if rng.chance(c["shift"]["p"]):
        shift_record(r, rng, c["shift"]["maxShift"])
    if rng.chance(c["scale"]["p"]):
        f = rng.between(c["scale"]["min"], c["scale"]["max"])
        r[:] = (r.astype(np.float64) * f).astype(np.float32)
    if rng.chance(c["wander"]["p"]):
        baseline_wander(r, rng, c["wander"]["amplitude"], c["wander"]["maxFrequency"], c["rate"])
    if rng.chance(c["noise"]["p"]):
        noise = rng.normals(r.size).reshape(r.shape)
        r[:] = (r.astype(np.float64) + c["noise"]["std"] * noise).astype(np.float32)
    if rng.chance(c["timeMask"]["p"]):
        time_mask(r, rng, c["timeMask"]["length"], c["timeMask"]["perLead"])
    if rng.chance(c["leadMask"]["p"]):
        lead_mask(r, rng, c["leadMask"]["maxLeads"])


def augment_batch(x, config, seed, positions=None):
    """An augmented copy of x (N, leads, T); record i is drawn from derive_seed(seed, positions[i]).
    positions are the records' places in the global batch (a rank's share of it), so a record
    gets the same view whichever rank holds it."""
    out = np.array(x, dtype=np.float32, copy=True)
    if positions is None:
        positions = range(len(out))
    for i, p in enumerate(positions):
        augment_record(out[i], config, Rng(derive_seed(seed, int(p))))
    return out
