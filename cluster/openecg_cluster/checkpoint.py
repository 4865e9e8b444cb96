"""Checkpoints of a cluster run, written by rank 0 only and atomically:

RUN/checkpoints/step-<8 digits>/  model.safetensors (the state_dict, PyTorch layout),
                                  optimizer.pt (AdamW moments, AMP scaler), state.json (step, losses)
RUN/checkpoint.safetensors        the newest weights with their description in __metadata__:
                                  what `openecg bundle import --torch` reads

A folder is filled under a temporary name and renamed into place, so a kill leaves the previous
checkpoint intact; resume takes the newest folder whose state.json reads back.
"""
import json
import os
import shutil

import torch

from .safetensors_io import load_file, save_file

KEEP = 2


def weights_of(module):
    """Floating-point tensors of a state_dict (BatchNorm's num_batches_tracked counter left out)."""
    return {k: v.detach().cpu() for k, v in module.state_dict().items() if v.is_floating_point()}


def write(run, step, module, optimizer, scaler, state, metadata):
    folder = os.path.join(run, "checkpoints")
    os.makedirs(folder, exist_ok=True)
    final = os.path.join(folder, f"step-{step:08d}")
    tmp = os.path.join(folder, f".step-{step:08d}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    weights = weights_of(module)
    meta = dict(metadata, step=step)
    save_file(weights, os.path.join(tmp, "model.safetensors"), meta)
    opt = {"optimizer": optimizer.state_dict(), "scaler": scaler.state_dict() if scaler is not None else None}
    torch.save(opt, os.path.join(tmp, "optimizer.pt"))
    with open(os.path.join(tmp, "state.json"), "w", encoding="utf-8") as f:
        json.dump(dict(state, step=step), f)
        f.flush()
        os.fsync(f.fileno())
    if os.path.exists(final):
        shutil.rmtree(final)
    os.replace(tmp, final)
    publish(os.path.join(final, "model.safetensors"), os.path.join(run, "checkpoint.safetensors"), weights, meta)
    old = sorted(d for d in os.listdir(folder) if d.startswith("step-"))[:-KEEP]
    for d in old:
        shutil.rmtree(os.path.join(folder, d), ignore_errors=True)
    return final


def publish(model, path, weights, meta):
    """RUN/checkpoint.safetensors as a hard link to the step's model.safetensors (the same bytes:
    no second write and fsync of the whole network), replaced atomically; written again where the
    file system has no hard links. Neither file is ever rewritten in place, so sharing is safe."""
    tmp = f"{path}.tmp-{os.getpid()}"
    try:
        if os.path.lexists(tmp):
            os.remove(tmp)
        os.link(model, tmp)
        os.replace(tmp, path)
    except OSError:
        save_file(weights, path, meta)


def latest(run):
    """(folder, state) of the newest complete checkpoint, or None."""
    folder = os.path.join(run, "checkpoints")
    if not os.path.isdir(folder):
        return None
    for d in sorted((d for d in os.listdir(folder) if d.startswith("step-")), reverse=True):
        path = os.path.join(folder, d)
        try:
            with open(os.path.join(path, "state.json"), encoding="utf-8") as f:
                return path, json.load(f)
        except (OSError, ValueError):
            continue  # damaged: try the one before
    return None


def restore(path, module, optimizer, scaler, device):
    weights, _ = load_file(os.path.join(path, "model.safetensors"))
    missing, unexpected = module.load_state_dict(weights, strict=False)
    missing = [k for k in missing if not k.endswith("num_batches_tracked")]
    if missing or unexpected:
        raise ValueError(f"{path}: checkpoint does not fit the model (missing {missing[:5]}, unexpected {unexpected[:5]})")
    opt = torch.load(os.path.join(path, "optimizer.pt"), map_location=device)
    optimizer.load_state_dict(opt["optimizer"])
    if scaler is not None and opt.get("scaler"):
        scaler.load_state_dict(opt["scaler"])
