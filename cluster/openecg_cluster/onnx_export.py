"""ONNX graphs of a cluster run's network, by torch.onnx, beside RUN/checkpoint.safetensors:

  classifier / probe   model.onnx    x -> logits, embedding
  pre-training         encoder.onnx  x -> embedding (the backbone's pooled features)
  MAE, in addition     mae.onnx      x, visible -> reconstruction
  and onnx.json        producer, opset, the graphs, and the SHA-256 of the checkpoint they came from

The names, shapes and conventions are those of the workstation's own exporter
(src/main/ml/onnx/export.ts, docs/inference.md): x is float32 [batch, leads, samples], already
normalised (the graph does no normalisation), batch symbolic; `visible` is int64 [batch, keep],
each record's visible patch indices in time order. `openecg bundle import --torch` copies the
graphs into the bundle when onnx.json names the checkpoint it is importing.

The network is rebuilt on the CPU in float32 from the checkpoint's weights and metadata (not the
training module, which may be float64, on a GPU or hold SyncBatchNorm layers) and exported in
eval mode; torch's exporter folds each BatchNorm into the convolution before it.
Needs only torch (torch.onnx writes the protobuf itself; the `onnx` package is not used).

  python3 -m openecg_cluster.onnx_export RUN/checkpoint.safetensors   (a run trained before this)
"""
import hashlib
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

from .models import create_model
from .safetensors_io import load_file
from .ssl import MAE

OPSET = 17  # the highest torch 1.13 writes, and our exporter's
FILES = {"classifier": "model.onnx", "encoder": "encoder.onnx", "mae": "mae.onnx"}
SIDECAR = "onnx.json"


class Classifier(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        e = self.net(x, output="embedding")
        return self.net.head(e), e


class Encoder(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net(x, output="embedding")


class MaeGraph(nn.Module):
    """MAE.predict with the mask given as visible indices; tokens are selected and placed with a
    one-hot matrix product (as mae.ts and our graph do), which is exact for 0/1 weights."""

    def __init__(self, mae):
        super().__init__()
        self.mae = mae

    def forward(self, x, visible):
        enc, dec = self.mae.encoder, self.mae.decoder
        tokens = enc.embed(enc.patchify(x)) + enc.pos[:, 1:]
        sel = F.one_hot(visible, enc.tokens).to(tokens.dtype)  # [n, keep, tokens]
        kept = torch.matmul(sel, tokens)
        cls = (enc.cls + enc.pos[:, :1]).expand(x.shape[0], -1, -1)
        z = enc.norm(enc.blocks(torch.cat([cls, kept], 1)))
        d = dec.embed(z)
        placed = torch.matmul(sel.transpose(1, 2), d[:, 1:])
        hidden = 1 - sel.sum(1)
        filled = placed + hidden.unsqueeze(2) * dec.mask_token
        y = dec.blocks(torch.cat([d[:, :1], filled], 1) + dec.pos)
        return enc.unpatchify(dec.pred(dec.norm(y))[:, 1:])


def _load(module, weights, what):
    missing, unexpected = module.load_state_dict(weights, strict=False)
    missing = [k for k in missing if not k.endswith("num_batches_tracked")]
    if missing or unexpected:
        raise ValueError(f"{what} does not fit: missing {missing[:5]}, unexpected {unexpected[:5]}")


def networks(weights, meta):
    """(role, module, example inputs, input names, output names, dynamic axes) for each graph."""
    task = meta["task"]
    arch = json.loads(meta["architecture"])
    o = arch["options"]
    weights = {k: v.to(torch.float32) for k, v in weights.items()}
    net = create_model(arch["name"], o["leads"], o["samples"], o["classes"], o["width"], o["depth"])
    x = torch.zeros(2, o["leads"], o["samples"])
    batch = {0: "batch"}
    if not task.startswith("pretrain-"):
        _load(net, weights, "classifier checkpoint")
        return [("classifier", Classifier(net), (x,), ["x"], ["logits", "embedding"], {"x": batch, "logits": batch, "embedding": batch})]
    _load(net, {k[len("encoder."):]: v for k, v in weights.items() if k.startswith("encoder.")}, "encoder")
    out = [("encoder", Encoder(net), (x,), ["x"], ["embedding"], {"x": batch, "embedding": batch})]
    if task == "pretrain-mae":
        method = json.loads(meta.get("method") or "null") or {}
        mae = MAE(width=o["width"], depth=o["depth"], **{k: v for k, v in method.items() if k in ("maskRatio", "decoderDim", "decoderDepth", "decoderHeads")})
        _load(mae, {k: v for k, v in weights.items() if k.split(".")[0] in ("encoder", "decoder")}, "MAE encoder+decoder")
        visible = torch.arange(0, mae.encoder.tokens, 4)[None].repeat(2, 1)
        out.append(("mae", MaeGraph(mae), (x, visible), ["x", "visible"], ["reconstruction"], {"x": batch, "visible": {0: "batch", 1: "keep"}, "reconstruction": batch}))
    return out


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def export_checkpoint(checkpoint_path, folder=None):
    """Writes the graphs of a checkpoint.safetensors and onnx.json beside it (or into `folder`); returns onnx.json's content."""
    folder = folder or os.path.dirname(os.path.abspath(checkpoint_path))
    weights, meta = load_file(checkpoint_path)
    graphs = []
    for role, module, example, inputs, outputs, axes in networks(weights, meta):
        module.eval()
        path = os.path.join(folder, FILES[role])
        tmp = f"{path}.tmp-{os.getpid()}"
        with torch.no_grad():
            torch.onnx.export(module, example, tmp, input_names=inputs, output_names=outputs, dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True, training=torch.onnx.TrainingMode.EVAL)
        os.replace(tmp, path)
        graphs.append({"role": role, "file": FILES[role], "inputs": inputs, "outputs": outputs})
    doc = {
        "format": "openecg-torch-onnx",
        "producer": f"torch.onnx {torch.__version__}",
        "opset": OPSET,
        "checkpoint": os.path.basename(checkpoint_path),
        "checkpoint_sha256": sha256_of(checkpoint_path),
        "step": int(meta.get("step", 0)),
        "graphs": graphs,
    }
    tmp = os.path.join(folder, f".{SIDECAR}.tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2)
    os.replace(tmp, os.path.join(folder, SIDECAR))
    return doc


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python3 -m openecg_cluster.onnx_export RUN/checkpoint.safetensors")
    print(json.dumps(export_checkpoint(sys.argv[1]), indent=2))
