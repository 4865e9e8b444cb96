"""The experiment config (docs/experiment-config.md, resources/experiments/*.json) as the trainer
needs it: one method's backbone and options, the budget, learning rate and decay resolved with
the same precedence and defaults as the workstation (src/main/experiments/steps.ts,
train/ssl.ts SSL_DEFAULTS, train/supervised.ts SUPERVISED_DEFAULTS)."""
import json
import math

from .ssl import DEFAULT_BACKBONE, OPTIM_DEFAULTS

SUPERVISED_DEFAULTS = {"probe": {"learningRate": 1e-3, "weightDecay": 0.0, "beta2": 0.999}, "finetune": {"learningRate": 1e-4, "weightDecay": 1e-4, "beta2": 0.999}}
TASKS = ("pretrain", "probe", "finetune")


class ConfigError(ValueError):
    pass


def read_config(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    for key in ("name", "methods", "pretrain"):
        if key not in doc:
            raise ConfigError(f"{path}: '{key}' is required")
    return doc


def steps_of(budget, records):
    """stepsOf of config.ts: steps, or ceil(epochs x records / batchSize)."""
    if ("steps" in budget) == ("epochs" in budget):
        raise ConfigError("a budget needs exactly one of steps or epochs")
    if "steps" in budget:
        return int(budget["steps"])
    return max(1, math.ceil(budget["epochs"] * records / budget["batchSize"]))


def resolve(doc, task, method_index=0, records=0):
    """Everything one training run needs, as a flat dict (also written into run.json)."""
    if task not in TASKS:
        raise ConfigError(f"task must be one of {', '.join(TASKS)}")
    methods = doc["methods"]
    if not 0 <= method_index < len(methods):
        raise ConfigError(f"method index {method_index}: the config has {len(methods)} methods")
    m = methods[method_index]
    kind = m["method"]
    out = {
        "name": doc["name"],
        "task": task,
        "method": kind,
        "backbone": m.get("backbone") or DEFAULT_BACKBONE[kind],
        "width": m.get("width", 1),
        "depth": m.get("depth", 1),
        "options": m.get("options", {}),
        "seed": (doc.get("seeds") or [1])[0],
        "normalisation": "zscore-per-lead",
    }
    if task == "pretrain":
        b = doc["pretrain"]
        d = OPTIM_DEFAULTS[kind]
        lr = m.get("learningRate", b.get("learningRate", d["learningRate"]))
        wd = m.get("weightDecay", b.get("weightDecay", d["weightDecay"]))
        every = b.get("checkpointEvery", 100)
    else:
        down = doc.get("downstream") or {}
        b = down.get(task)
        if b is None:
            raise ConfigError(f"the config has no downstream.{task} budget")
        d = SUPERVISED_DEFAULTS[task]
        lr, wd = b.get("learningRate", d["learningRate"]), b.get("weightDecay", d["weightDecay"])
        every = down.get("checkpointEvery", 100)
    out.update(
        batchSize=b["batchSize"],
        steps=steps_of(b, records) if records else b.get("steps"),
        learningRate=lr,
        weightDecay=wd,
        beta2=d["beta2"],
        schedule=b.get("schedule", "cosine"),
        warmupSteps=b.get("warmupSteps", 0),
        checkpointEvery=every,
    )
    return out


def learning_rate_at(step, base, kind, warmup, total, min_ratio=0.0):
    """learningRateAt of train/schedule.ts."""
    if warmup > 0 and step < warmup:
        return base * (step + 1) / warmup
    if kind == "constant":
        return base
    span = max(1, total - warmup)
    progress = min(1.0, (step - warmup) / span)
    low = base * min_ratio
    return low + 0.5 * (base - low) * (1 + math.cos(math.pi * progress))
