"""The PyTorch side of the TS <-> PyTorch round trip (test/cluster/roundtrip.test.ts).

usage: peer_outputs.py MODEL.safetensors INPUT.safetensors OUT.safetensors STATE.safetensors
MODEL is a bundle exported by `openecg bundle export --torch`; INPUT holds x [n, 12, T] and, for
MAE, order and hidden (the masks). Writes the network's outputs (eval mode) to OUT and the
module's own state_dict, as PyTorch holds it after loading, to STATE (for the way back).
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from openecg_cluster.models import create_model  # noqa: E402
from openecg_cluster.safetensors_io import load_file, save_file  # noqa: E402
from openecg_cluster.ssl import create_ssl  # noqa: E402


def main(model_path, input_path, out_path, state_path):
    torch.set_num_threads(1)
    weights, meta = load_file(model_path)
    arch = json.loads(meta["architecture"])
    o = arch["options"]
    task = meta["task"]
    if task.startswith("pretrain-"):
        method = json.loads(meta.get("method") or "null") or {}
        module = create_ssl(task[len("pretrain-"):], arch["name"], o["width"], o["depth"], {k: v for k, v in method.items() if k not in ("decoder", "loss")})
    else:
        module = create_model(arch["name"], o["leads"], o["samples"], o["classes"], o["width"], o["depth"])
    missing, unexpected = module.load_state_dict(weights, strict=False)
    missing = [k for k in missing if not k.endswith("num_batches_tracked")]
    if missing or unexpected:
        raise SystemExit(f"state_dict mismatch: missing {missing[:5]} unexpected {unexpected[:5]}")
    module.eval()
    inputs, _ = load_file(input_path)
    x = inputs["x"]
    out = {}
    with torch.no_grad():
        if task == "pretrain-mae":
            _, pred = module.predict(x, inputs["order"].long(), inputs["hidden"])
            out["reconstruction"] = module.encoder.unpatchify(pred)
            out["embedding"] = module.encoder(x, output="embedding")
        else:
            net = module.encoder if task.startswith("pretrain-") else module
            out["embedding"] = net(x, output="embedding")
            out["logits"] = net(x)
    save_file(out, out_path)
    save_file({k: v for k, v in module.state_dict().items() if v.is_floating_point()}, state_path, meta)


if __name__ == "__main__":
    main(*sys.argv[1:5])
