"""The workstation's three ECG networks in PyTorch, tensor for tensor.

Shapes and parameter names equal src/main/ml/models/*.ts (and ../shared/bench/torch_peer.py):
the ResNets are one nn.Sequential (0 stem conv, 1 stem BN, 4.. blocks, then pool, flatten and
the Linear head), the ViT names its pieces embed, cls, pos, blocks.layers.<i>.*, norm, head.
Width and depth multipliers round exactly as the TypeScript does, so a config's tiny models
have the same shapes on both sides. Layout differences (conv, linear) are torch_weights.py's job.
"""
import math

import torch
import torch.nn as nn

from .dist_bn import DistBatchNorm1d

MODEL_NAMES = ("resnet18_1d", "resnet50_1d", "vit_1d")


def js_round(x):
    """JavaScript's Math.round (halves go up), so sizes match the TypeScript."""
    return math.floor(x + 0.5)


class Basic(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = nn.Conv1d(cin, cout, 7, stride, 3, bias=False)
        self.b1 = DistBatchNorm1d(cout)
        self.c2 = nn.Conv1d(cout, cout, 7, 1, 3, bias=False)
        self.b2 = DistBatchNorm1d(cout)
        self.proj = None
        if stride != 1 or cin != cout:
            self.proj = nn.Sequential(nn.Conv1d(cin, cout, 1, stride, bias=False), DistBatchNorm1d(cout))
        self.cout = cout

    def forward(self, x):
        y = torch.relu(self.b1(self.c1(x)))
        y = self.b2(self.c2(y))
        return torch.relu(y + (x if self.proj is None else self.proj(x)))


class Bottleneck(nn.Module):
    def __init__(self, cin, width, stride):
        super().__init__()
        cout = width * 4
        self.c1 = nn.Conv1d(cin, width, 1, bias=False)
        self.b1 = DistBatchNorm1d(width)
        self.c2 = nn.Conv1d(width, width, 3, stride, 1, bias=False)
        self.b2 = DistBatchNorm1d(width)
        self.c3 = nn.Conv1d(width, cout, 1, bias=False)
        self.b3 = DistBatchNorm1d(cout)
        self.proj = None
        if stride != 1 or cin != cout:
            self.proj = nn.Sequential(nn.Conv1d(cin, cout, 1, stride, bias=False), DistBatchNorm1d(cout))
        self.cout = cout

    def forward(self, x):
        y = torch.relu(self.b1(self.c1(x)))
        y = torch.relu(self.b2(self.c2(y)))
        y = self.b3(self.c3(y))
        return torch.relu(y + (x if self.proj is None else self.proj(x)))


class ResNet1d(nn.Sequential):
    """Sequential so the state_dict names are the indices the TypeScript model uses."""

    def __init__(self, name, leads=12, samples=1000, classes=24, width=1.0, depth=1.0):
        layers, block = ((2, 2, 2, 2), Basic) if name == "resnet18_1d" else ((3, 4, 6, 3), Bottleneck)
        widths = [max(1, js_round(w * width)) for w in (64, 128, 256, 512)]
        mods = [nn.Conv1d(leads, widths[0], 15, 2, 7, bias=False), DistBatchNorm1d(widths[0]), nn.ReLU(), nn.MaxPool1d(3, 2, 1)]
        cin = widths[0]
        for i, n in enumerate(layers):
            for j in range(max(1, js_round(n * depth))):
                b = block(cin, widths[i], 2 if (i > 0 and j == 0) else 1)
                mods.append(b)
                cin = b.cout
        mods += [nn.AdaptiveAvgPool1d(1), nn.Flatten(), nn.Linear(cin, classes)]
        super().__init__(*mods)
        self.arch = name
        self.leads, self.samples, self.classes = leads, samples, classes
        self.embedding_size = cin
        self.head_name = str(len(mods) - 1)

    @property
    def head(self):
        return self[len(self) - 1]

    def forward(self, x, output="logits"):
        y = x
        for m in list(self)[:-1]:
            y = m(y)
        return y if output == "embedding" else self.head(y)


def vit_shape(width=1.0, depth=1.0):
    """vitShape of vit1d.ts: width scales dim and MLP (dim a multiple of the heads), depth the blocks."""
    heads = max(1, min(6, js_round(6 * min(1, width * 2))))
    dim = max(heads, js_round((384 * width) / heads) * heads)
    return {"patch": 25, "dim": dim, "depth": max(1, js_round(12 * depth)), "heads": heads, "mlp": max(1, js_round(1536 * width))}


def encoder_stack(dim, heads, mlp, depth):
    layer = nn.TransformerEncoderLayer(dim, heads, mlp, dropout=0.0, activation="gelu", batch_first=True, norm_first=True)
    # enable_nested_tensor is not an argument of every torch version; the fast path it controls
    # only applies to padded batches, which we never have.
    return nn.TransformerEncoder(layer, depth)


class Vit1d(nn.Module):
    def __init__(self, leads=12, samples=1000, classes=24, width=1.0, depth=1.0):
        super().__init__()
        s = vit_shape(width, depth)
        if samples % s["patch"]:
            raise ValueError(f"vit_1d needs samples divisible by {s['patch']}, got {samples}")
        self.arch = "vit_1d"
        self.shape = s
        self.leads, self.samples, self.classes = leads, samples, classes
        self.tokens = samples // s["patch"]
        self.embedding_size = s["dim"]
        self.embed = nn.Linear(leads * s["patch"], s["dim"])
        self.cls = nn.Parameter(torch.zeros(1, 1, s["dim"]))
        self.pos = nn.Parameter(torch.randn(1, self.tokens + 1, s["dim"]) * 0.02)
        self.blocks = encoder_stack(s["dim"], s["heads"], s["mlp"], s["depth"])
        self.norm = nn.LayerNorm(s["dim"])
        self.head = nn.Linear(s["dim"], classes)
        self.head_name = "head"

    def patchify(self, x):
        b, c, t = x.shape
        p = self.shape["patch"]
        return x.reshape(b, c, t // p, p).permute(0, 2, 1, 3).reshape(b, t // p, c * p)

    def unpatchify(self, p):
        b = p.shape[0]
        return p.reshape(b, self.tokens, self.leads, self.shape["patch"]).permute(0, 2, 1, 3).reshape(b, self.leads, self.samples)

    def forward(self, x, output="logits"):
        b = x.shape[0]
        z = torch.cat([self.cls.expand(b, -1, -1), self.embed(self.patchify(x))], 1) + self.pos
        first = self.norm(self.blocks(z))[:, 0]
        return first if output == "embedding" else self.head(first)


def create_model(name, leads=12, samples=1000, classes=24, width=1.0, depth=1.0):
    if name in ("resnet18_1d", "resnet50_1d"):
        return ResNet1d(name, leads, samples, classes, width, depth)
    if name == "vit_1d":
        return Vit1d(leads, samples, classes, width, depth)
    raise ValueError(f"unknown model {name}; one of {', '.join(MODEL_NAMES)}")


def head_param_names(model):
    return [f"{model.head_name}.weight", f"{model.head_name}.bias"]
