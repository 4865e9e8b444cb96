"""Entry point of a cluster run, started once per GPU (or CPU process) by torchrun or a
scheduler with the env:// variables (MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE, LOCAL_RANK):

  torchrun --nnodes N --nproc_per_node G [--redirects 1 --tee 1] -m openecg_cluster.train \\
      --config C.json --shards DIR --out RUN [--task pretrain|probe|finetune] [--method-index I]

DistributedDataParallel (NCCL on GPUs, gloo on CPUs), BatchNorm over the global batch, SimCLR's
negatives from every rank, AMP on CUDA only, a checkpoint at every epoch end and every
checkpointEvery steps, resume from the newest one, metrics as JSON lines (docs/cluster.md).
"""
import argparse
import json
import os
import signal
import sys
import time

STARTED = time.perf_counter()  # before `import torch`, the larger part of a trainer's start-up

import numpy as np
import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DataLoader

from . import checkpoint, onnx_export
from .augment import NO_AUGMENT, augment_config
from .config import learning_rate_at, read_config, resolve
from .data import EpochSampler, cap_rows, Preparer, ShardSet, StepBatches, TrainItems
from .models import create_model, head_param_names
from .safetensors_io import load_file
from .ssl import create_ssl, full


class Supervised(nn.Module):
    """BCE-with-logits over the 24 classes; a probe runs the frozen backbone in inference mode."""

    def __init__(self, model, mode):
        super().__init__()
        self.model, self.mode = model, mode
        if mode == "probe":
            head = set(head_param_names(model))
            for name, p in model.named_parameters():
                p.requires_grad_(name in head)

    def forward(self, x, y):
        if self.mode == "probe":
            self.model.eval()
            with torch.no_grad():
                features = self.model(x, output="embedding")
            return self.probe_loss(features, y)
        return F.binary_cross_entropy_with_logits(full(self.model(x)), y)

    def probe_loss(self, features, y):
        return F.binary_cross_entropy_with_logits(full(self.model.head(features)), y)


def probe_features(module, shards, prep, rows, batch, device, dtype, cuda):
    """The frozen encoder's embedding of every row, computed once in eval mode (a probe's records
    are not augmented, so a record's embedding is the same at every step): each probe step then
    runs the head only, instead of the encoder's forward on its whole batch (docs/cluster.md)."""
    model = module.model
    model.eval()
    features, labels = [], []
    with torch.no_grad(), torch.autocast("cuda", enabled=cuda):
        for i in range(0, len(rows), batch):
            items = [prep(*shards.record(r), 0, 0) for r in rows[i:i + batch]]
            x = torch.from_numpy(np.stack([x for x, _ in items])).to(device, dtype)
            features.append(model(x, output="embedding").to(dtype))
            labels.append(torch.from_numpy(np.stack([y for _, y in items])).to(device, dtype))
    return torch.cat(features), torch.cat(labels), {int(r): i for i, r in enumerate(rows)}


def parse(argv=None):
    ap = argparse.ArgumentParser(prog="openecg_cluster.train")
    ap.add_argument("--config", required=True)
    ap.add_argument("--shards", required=True)
    ap.add_argument("--out", required=True, help="run folder: checkpoints, metrics.jsonl, checkpoint.safetensors")
    ap.add_argument("--task", default="pretrain", choices=("pretrain", "probe", "finetune"))
    ap.add_argument("--method-index", type=int, default=0, help="which entry of the config's methods[]")
    ap.add_argument("--init", help="probe/finetune: a checkpoint.safetensors to start from (pre-training or classifier)")
    ap.add_argument("--parts", default="train", help="split parts to train on, comma-separated (default train)")
    ap.add_argument("--steps", type=int, help="override the budget's steps")
    ap.add_argument("--batch-size", type=int, help="override the budget's global batch size")
    ap.add_argument("--checkpoint-every", type=int, help="override checkpointEvery (steps; 0: epoch ends only)")
    ap.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    ap.add_argument("--workers", type=int, default=0, help="DataLoader workers per rank (augmentation runs there)")
    ap.add_argument("--threads", type=int, default=0, help="torch threads per rank (0: torch's default)")
    ap.add_argument("--float64", action="store_true", help="CPU checks: weights and arithmetic in float64 (see docs/cluster.md, equivalence)")
    ap.add_argument("--no-resume", action="store_true")
    ap.add_argument("--no-probe-cache", action="store_true", help="probe: run the frozen encoder on every step's batch instead of once per record")
    ap.add_argument("--kill-after", type=int, help="testing: SIGKILL this process after that many steps (a crash at a known place)")
    return ap.parse_args(argv)


def setup(args):
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    cuda = args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available())
    device = torch.device(f"cuda:{local}" if cuda else "cpu")
    if cuda:
        torch.cuda.set_device(device)
    if world > 1 or "MASTER_ADDR" in os.environ:
        dist.init_process_group("nccl" if cuda else "gloo", init_method="env://", rank=rank, world_size=world)
    if args.threads:
        torch.set_num_threads(args.threads)
    return world, rank, device


def build(run, args, device):
    """The module being trained, the one whose weights are saved, and its checkpoint description."""
    torch.manual_seed(run["seed"])
    if run["task"] == "pretrain":
        module = create_ssl(run["method"], run["backbone"], run["width"], run["depth"], run["options"])
        for n in head_param_names(module.encoder):
            module.encoder.get_parameter(n).requires_grad_(False)  # pre-training never reaches the head
        saved, task, settings = module, f"pretrain-{run['method']}", module.settings
    else:
        model = create_model(run["backbone"], width=run["width"], depth=run["depth"])
        if args.init:
            load_init(model, args.init)
        module = Supervised(model, run["task"])
        saved, task, settings = model, "probe" if run["task"] == "probe" else "classifier", None
    encoder = module.encoder if run["task"] == "pretrain" else module.model
    arch = {"name": run["backbone"], "options": {"leads": encoder.leads, "samples": encoder.samples, "classes": encoder.classes, "width": run["width"], "depth": run["depth"], "seed": run["seed"]}}
    meta = {"format": "openecg-torch-checkpoint", "task": task, "architecture": json.dumps(arch), "method": json.dumps(settings), "config": json.dumps(run)}
    return module.to(device, torch.float64 if args.float64 else torch.float32), saved, meta


def load_init(model, path):
    weights, meta = load_file(path)
    pretrain = meta.get("task", "").startswith("pretrain-") or any(k.startswith("encoder.") for k in weights)
    head = set(head_param_names(model))
    if pretrain:
        weights = {k[len("encoder."):]: v for k, v in weights.items() if k.startswith("encoder.")}
        weights = {k: v for k, v in weights.items() if k not in head}
    missing, unexpected = model.load_state_dict(weights, strict=False)
    missing = [k for k in missing if not k.endswith("num_batches_tracked") and not (pretrain and k in head)]
    if missing or unexpected:
        raise ValueError(f"{path} does not fit {model.arch}: missing {missing[:5]}, unexpected {unexpected[:5]}")


def optimizer_for(module, run):
    """AdamW, decay on tensors of rank >= 2 only (train/adam.ts)."""
    params = [p for p in module.parameters() if p.requires_grad]
    groups = [{"params": [p for p in params if p.dim() >= 2], "weight_decay": run["weightDecay"]}, {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}]
    return torch.optim.AdamW([g for g in groups if g["params"]], lr=run["learningRate"], betas=(0.9, run["beta2"]), eps=1e-8)


# An epoch-end checkpoint is skipped when the last one is younger than this (short epochs of a
# probe or a small pool would otherwise write the whole network every few seconds); checkpointEvery
# and the last step always write one.
EPOCH_CHECKPOINT_MIN_S = 60.0


def main(argv=None):
    started = STARTED if argv is None else time.perf_counter()
    args = parse(argv)
    world, rank, device = setup(args)
    doc = read_config(args.config)
    shards = ShardSet(args.shards)
    rows = shards.rows(args.parts.split(","))
    if args.task == "pretrain":
        rows = cap_rows(rows, shards.index["records"]["id"], (doc.get("pretrain") or {}).get("maxRecords"), (doc.get("seeds") or [1])[0])
    run = resolve(doc, args.task, args.method_index, len(rows))
    if args.steps:
        run["steps"] = args.steps
    if args.batch_size:
        run["batchSize"] = args.batch_size
    if args.checkpoint_every is not None:
        run["checkpointEvery"] = args.checkpoint_every
    run.update(world_size=world, shards=os.path.abspath(args.shards), records=int(len(rows)))
    module, saved, meta = build(run, args, device)
    cuda = device.type == "cuda"
    if args.float64 and cuda:
        raise SystemExit("--float64 is for CPU equivalence checks, not GPUs")
    dtype = torch.float64 if args.float64 else torch.float32
    if world > 1:
        if cuda:
            module = nn.SyncBatchNorm.convert_sync_batchnorm(module)  # NCCL's fused kernels
        ddp = DDP(module, device_ids=[device.index] if cuda else None, broadcast_buffers=False)
    else:
        ddp = module
    opt = optimizer_for(module, run)
    scaler = torch.cuda.amp.GradScaler() if cuda else None
    os.makedirs(args.out, exist_ok=True)
    start, losses = 0, []
    found = None if args.no_resume else checkpoint.latest(args.out)
    if found:
        checkpoint.restore(found[0], saved, opt, scaler, device)
        start, losses = found[1]["step"], found[1]["losses"]
    total = run["steps"]
    if rank == 0:
        with open(os.path.join(args.out, "run.json"), "w", encoding="utf-8") as f:
            json.dump(dict(run, resumed_from=start, torch=torch.__version__), f, indent=2)
        trim_metrics(args.out, start)
    augment = module.augment if run["task"] == "pretrain" else augment_config({}, NO_AUGMENT)
    enc = module.encoder if run["task"] == "pretrain" else module.model
    if rank == 0:
        print(f"openecg_cluster: {run['task']} on {run['backbone']} ready in {time.perf_counter() - started:.1f} s (torch import, model, shards{', resumed at step ' + str(start) if start else ''})", flush=True)
    prep = Preparer(run["method"] if run["task"] == "pretrain" else run["task"], run["seed"], augment, run["normalisation"], getattr(enc, "tokens", 40), getattr(module, "mask_ratio", 0.75))
    sampler = EpochSampler(rows, run["batchSize"], world, rank, run["seed"])
    per_epoch = sampler.steps_per_epoch
    # A probe that sees its records at least once: their embeddings once, then head-only steps
    # (one rank only; whether it caches depends on the budget, not on where it resumed).
    cached = None
    if run["task"] == "probe" and world == 1 and not args.no_probe_cache and total * run["batchSize"] >= len(rows):
        t0 = time.perf_counter()
        cached = probe_features(module, shards, prep, rows, run["batchSize"], device, dtype, cuda)
        print(f"openecg_cluster: probe features of {len(rows)} records in {time.perf_counter() - t0:.1f} s", flush=True)
    step = start
    last_checkpoint = time.perf_counter()
    while step < total:
        epoch = step // per_epoch
        batches = StepBatches(sampler, epoch, step - epoch * per_epoch)
        if cached:
            features, labels, where = cached
            loader = ((features[ix], labels[ix]) for ix in (torch.tensor([where[int(r)] for r, _, _ in items], device=device) for items in batches))
        else:
            loader = DataLoader(TrainItems(shards, prep), batch_sampler=batches, num_workers=args.workers, persistent_workers=False)
        for batch in loader:
            if step >= total:
                break
            lr = learning_rate_at(step, run["learningRate"], run["schedule"], run["warmupSteps"], total)
            for g in opt.param_groups:
                g["lr"] = lr
            t0 = time.perf_counter()
            module.train()
            inputs = [t.to(device, dtype, non_blocking=True) if t.is_floating_point() else t.to(device) for t in batch]
            opt.zero_grad(set_to_none=True)
            with torch.autocast("cuda", enabled=cuda):
                loss = module.probe_loss(*inputs) if cached else ddp(*inputs)
            if scaler is not None:
                scaler.scale(loss).backward()
                scaler.step(opt)
                scaler.update()
            else:
                loss.backward()
                opt.step()
            if hasattr(module, "after_step"):
                module.after_step(step, total)
            value = loss.detach().float()
            if world > 1 and not (run["task"] == "pretrain" and run["method"] == "simclr"):  # SimCLR's is already global
                dist.all_reduce(value)
                value /= world
            step += 1
            seconds = time.perf_counter() - t0
            losses.append(float(value))
            if rank == 0:
                metric(args.out, {"step": step, "total_steps": total, "epoch": step / per_epoch, "loss": float(value), "lr": lr, "seconds": round(seconds, 4), "samples_per_s": round(run["batchSize"] / seconds, 1), "world_size": world})
            end_epoch = step % per_epoch == 0
            every = run["checkpointEvery"] > 0 and step % run["checkpointEvery"] == 0
            due = every or step == total or (end_epoch and time.perf_counter() - last_checkpoint >= EPOCH_CHECKPOINT_MIN_S)
            if due and rank == 0:
                t1 = time.perf_counter()
                checkpoint.write(args.out, step, saved, opt, scaler, {"epoch": step / per_epoch, "losses": losses}, meta)
                write_json(os.path.join(args.out, "losses.json"), losses)
                last_checkpoint = time.perf_counter()
                print(f"openecg_cluster: checkpoint at step {step} written in {last_checkpoint - t1:.1f} s", flush=True)
            if world > 1 and (end_epoch or every or step == total):
                dist.barrier()  # nobody races ahead of a checkpoint being written
            if args.kill_after == step:
                os.kill(os.getpid(), signal.SIGKILL)
    if rank == 0 and step >= total:
        t1 = time.perf_counter()
        export_onnx(args.out)
        print(f"openecg_cluster: ONNX graphs written in {time.perf_counter() - t1:.1f} s; {time.perf_counter() - started:.1f} s in all", flush=True)
    if world > 1:
        dist.destroy_process_group()
    return 0


def export_onnx(run_dir):
    """The final checkpoint's ONNX graphs beside it (onnx_export.py). A failed export costs the
    graphs, not the run: the workstation then generates its own on import."""
    path = os.path.join(run_dir, "checkpoint.safetensors")
    if not os.path.exists(path):
        return
    try:
        onnx_export.export_checkpoint(path)
    except Exception as err:  # noqa: BLE001 - any exporter failure is reported, not fatal
        print(f"openecg_cluster: ONNX export skipped ({type(err).__name__}: {err})", file=sys.stderr)


def metric(run_dir, row):
    with open(os.path.join(run_dir, "metrics.jsonl"), "a", encoding="utf-8") as f:
        f.write(json.dumps(row) + "\n")


def trim_metrics(run_dir, step):
    """A resumed run drops the lines of steps after its checkpoint (they are run again)."""
    path = os.path.join(run_dir, "metrics.jsonl")
    if not os.path.exists(path):
        return
    with open(path, encoding="utf-8") as f:
        keep = [l for l in f if l.strip() and json.loads(l)["step"] <= step]
    write_text(path, "".join(keep))


def write_json(path, doc):
    write_text(path, json.dumps(doc))


def write_text(path, text):
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


if __name__ == "__main__":
    raise SystemExit(main())
