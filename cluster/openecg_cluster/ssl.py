"""SimCLR, BYOL and MAE as the workstation defines them (src/main/ml/ssl/*.ts, docs/defaults.md):
the same heads, losses, defaults and tensor names (encoder.*, projector.*, predictor.*,
target.*, decoder.*), so a state_dict maps one to one onto a pre-training bundle.

Every module's forward takes the normalised batch and returns the loss over the *global* batch:
SimCLR gathers the projections of every rank (with gradient) before NT-Xent, BatchNorm sums its
statistics over the ranks, and per-record means are averaged by DDP across equal-sized shares.
"""
import math

import numpy as np
import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F

from .augment import NO_AUGMENT, augment_config
from .dist_bn import DistBatchNorm1d, distributed
from .models import create_model, encoder_stack, js_round
from .rng import Rng, derive_seed

SSL_METHODS = ("simclr", "byol", "mae")
DEFAULT_BACKBONE = {"simclr": "resnet50_1d", "byol": "resnet50_1d", "mae": "vit_1d"}
# train/ssl.ts SSL_DEFAULTS
OPTIM_DEFAULTS = {
    "simclr": {"learningRate": 1e-3, "weightDecay": 1e-6, "beta2": 0.999},
    "byol": {"learningRate": 1e-3, "weightDecay": 1e-6, "beta2": 0.999},
    "mae": {"learningRate": 1.5e-4, "weightDecay": 0.05, "beta2": 0.95},
}


def full(t):
    """Losses in at least float32 (AMP's float16 activations are widened; float64 stays)."""
    return t.float() if t.dtype in (torch.float16, torch.bfloat16) else t


def scaled_size(base, width, minimum=8):
    return max(minimum, js_round(base * (width if width is not None else 1)))


def mlp_head(inputs, hidden, outputs):
    """Linear -> BatchNorm -> ReLU -> Linear, named 0, 1, 3 as heads.ts."""
    return nn.Sequential(nn.Linear(inputs, hidden), DistBatchNorm1d(hidden), nn.ReLU(), nn.Linear(hidden, outputs))


class GatherWithGrad(torch.autograd.Function):
    """all_gather whose backward hands each rank the summed gradient of its own rows: every rank
    computes the same global loss, so the sum over ranks (then DDP's mean) is its true gradient."""

    @staticmethod
    def forward(ctx, x):
        ctx.rank, ctx.n = dist.get_rank(), x.shape[0]
        out = [torch.empty_like(x) for _ in range(dist.get_world_size())]
        dist.all_gather(out, x.contiguous())
        return torch.cat(out, 0)

    @staticmethod
    def backward(ctx, g):
        g = g.contiguous().clone()
        dist.all_reduce(g)
        return g[ctx.rank * ctx.n:(ctx.rank + 1) * ctx.n]


def gather(x):
    return GatherWithGrad.apply(x) if distributed() else x


def nt_xent(z1, z2, temperature):
    """NT-Xent over the 2N rows (simclr.ts ntXent): positive of row i is row (i + N) mod 2N."""
    n = z1.shape[0]
    z = F.normalize(torch.cat([z1, z2], 0), dim=1, eps=1e-6)
    sim = z @ z.t() / temperature
    sim = sim - 1e9 * torch.eye(2 * n, device=z.device, dtype=sim.dtype)
    pos = (torch.arange(2 * n, device=z.device) + n) % (2 * n)
    return F.cross_entropy(sim, pos)


def l2_normalize(x):
    return x * torch.rsqrt(torch.clamp((x * x).sum(1, keepdim=True), min=1e-12))


def byol_pair_loss(p, z):
    return (2 - 2 * (l2_normalize(p) * l2_normalize(z)).sum(1)).mean()


def momentum_at(base, schedule, step, total):
    if schedule == "constant":
        return base
    return 1 - ((1 - base) * (math.cos(math.pi * step / max(1, total)) + 1)) / 2


class SimCLR(nn.Module):
    kind = "simclr"

    def __init__(self, model="resnet50_1d", width=1.0, depth=1.0, temperature=0.1, projectorHidden=None, projectorOut=None, augment=None, **_):
        super().__init__()
        self.encoder = create_model(model, width=width, depth=depth)
        self.temperature = temperature
        hidden = projectorHidden or scaled_size(2048, width)
        out = projectorOut or scaled_size(128, width)
        self.projector = mlp_head(self.encoder.embedding_size, hidden, out)
        self.augment = augment_config(augment)
        self.settings = {"temperature": temperature, "projectorHidden": hidden, "projectorOut": out, "augment": self.augment}

    def forward(self, v1, v2):
        v = torch.cat([v1, v2], 0)
        z = self.projector(self.encoder(v, output="embedding"))
        z1, z2 = full(z).chunk(2, 0)
        return nt_xent(gather(z1), gather(z2), self.temperature)


class BYOL(nn.Module):
    kind = "byol"

    def __init__(self, model="resnet50_1d", width=1.0, depth=1.0, momentum=0.996, momentumSchedule="constant", projectorHidden=None, projectorOut=None, augment=None, **_):
        super().__init__()
        hidden = projectorHidden or scaled_size(4096, width)
        out = projectorOut or scaled_size(256, width)
        self.encoder = create_model(model, width=width, depth=depth)
        self.projector = mlp_head(self.encoder.embedding_size, hidden, out)
        self.predictor = mlp_head(out, hidden, out)
        self.target = nn.ModuleDict({"encoder": create_model(model, width=width, depth=depth), "projector": mlp_head(self.encoder.embedding_size, hidden, out)})
        self.target.load_state_dict({k: v for k, v in self.state_dict().items() if k.split(".")[0] in ("encoder", "projector")})
        for p in self.target.parameters():
            p.requires_grad_(False)
        for m in self.target.modules():
            if isinstance(m, nn.BatchNorm1d):
                m.momentum = 0.0  # its running statistics follow the online ones by the moving average only
        self.momentum, self.schedule = momentum, momentumSchedule
        self.augment = augment_config(augment)
        self.settings = {"momentum": momentum, "momentumSchedule": momentumSchedule, "projectorHidden": hidden, "projectorOut": out, "augment": self.augment}

    def forward(self, v1, v2):
        v = torch.cat([v1, v2], 0)
        p = full(self.predictor(self.projector(self.encoder(v, output="embedding"))))
        with torch.no_grad():
            z = full(self.target["projector"](self.target["encoder"](v, output="embedding")))
        p1, p2 = p.chunk(2, 0)
        z1, z2 = z.chunk(2, 0)
        return byol_pair_loss(p1, z2) + byol_pair_loss(p2, z1)

    @torch.no_grad()
    def after_step(self, step, total):
        m = momentum_at(self.momentum, self.schedule, step, total)
        online = {**{f"encoder.{k}": v for k, v in self.encoder.state_dict().items()}, **{f"projector.{k}": v for k, v in self.projector.state_dict().items()}}
        for k, t in self.target.state_dict().items():
            if t.is_floating_point():
                t.mul_(m).add_(online[k], alpha=1 - m)


def mae_decoder_shape(width=1.0, depth=1.0, decoderDim=None, decoderDepth=None, decoderHeads=None):
    base_heads = decoderHeads or 6
    heads = max(1, min(base_heads, js_round(base_heads * min(1, width * 2))))
    dim = max(heads, js_round(((decoderDim or 192) * width) / heads) * heads)
    return {"dim": dim, "depth": max(1, js_round((decoderDepth or 4) * depth)), "heads": heads, "mlp": 4 * dim}


def random_patch_mask(tokens, ratio, seed):
    """mae.ts randomPatchMask: (mask 1 = hidden, order: visible then hidden, each in time order, keep)."""
    keep = max(1, js_round(tokens * (1 - ratio)))
    order = Rng(seed).permutation(tokens)
    visible, hidden = sorted(order[:keep].tolist()), sorted(order[keep:].tolist())
    mask = np.zeros(tokens, dtype=np.uint8)
    mask[hidden] = 1
    return mask, np.array(visible + hidden, dtype=np.int64), keep


class MaeDecoder(nn.Module):
    def __init__(self, enc_dim, tokens, patch_values, shape):
        super().__init__()
        self.embed = nn.Linear(enc_dim, shape["dim"])
        self.mask_token = nn.Parameter(torch.randn(1, 1, shape["dim"]) * 0.02)
        self.pos = nn.Parameter(torch.randn(1, tokens + 1, shape["dim"]) * 0.02)
        self.blocks = encoder_stack(shape["dim"], shape["heads"], shape["mlp"], shape["depth"])
        self.norm = nn.LayerNorm(shape["dim"])
        self.pred = nn.Linear(shape["dim"], patch_values)


class MAE(nn.Module):
    kind = "mae"

    def __init__(self, model="vit_1d", width=1.0, depth=1.0, maskRatio=0.75, decoderDim=None, decoderDepth=None, decoderHeads=None, augment=None, **_):
        super().__init__()
        if model != "vit_1d":
            raise ValueError(f"MAE needs the vit_1d backbone, not {model}")
        self.encoder = create_model("vit_1d", width=width, depth=depth)
        self.mask_ratio = maskRatio
        shape = mae_decoder_shape(width, depth, decoderDim, decoderDepth, decoderHeads)
        self.decoder = MaeDecoder(self.encoder.shape["dim"], self.encoder.tokens, self.encoder.leads * self.encoder.shape["patch"], shape)
        self.augment = augment_config(augment, NO_AUGMENT)
        self.settings = {"maskRatio": maskRatio, "decoderDim": decoderDim or 192, "decoderDepth": decoderDepth or 4, "decoderHeads": decoderHeads or 6, "decoder": shape, "loss": "mse-hidden-patches", "augment": self.augment}

    def predict(self, x, order, hidden):
        """Predicted patches [n, tokens, leads * patch] for masks given as (order, hidden)."""
        enc, dec = self.encoder, self.decoder
        n, keep = x.shape[0], int(order.shape[1] - hidden[0].sum().item())
        patches = enc.patchify(x)
        tokens = enc.embed(patches) + enc.pos[:, 1:]
        vis_idx = order[:, :keep]
        visible = torch.gather(tokens, 1, vis_idx[..., None].expand(-1, -1, tokens.shape[2]))
        cls = (enc.cls + enc.pos[:, :1]).expand(n, -1, -1)
        z = enc.norm(enc.blocks(torch.cat([cls, visible], 1)))
        d = dec.embed(z)
        placed = torch.zeros(n, enc.tokens, d.shape[2], device=x.device, dtype=d.dtype)
        placed = placed.scatter(1, vis_idx[..., None].expand(-1, -1, d.shape[2]), d[:, 1:])
        filled = placed + hidden[..., None].to(d.dtype) * dec.mask_token
        y = dec.blocks(torch.cat([d[:, :1], filled], 1) + dec.pos)
        return patches, dec.pred(dec.norm(y))[:, 1:]

    def forward(self, x, order, hidden):
        patches, pred = self.predict(x, order, hidden)
        per_patch = ((full(pred) - full(patches)) ** 2).mean(2)
        return (per_patch * hidden).sum() / torch.clamp(hidden.sum(), min=1)


def create_ssl(kind, model=None, width=1.0, depth=1.0, options=None):
    cls = {"simclr": SimCLR, "byol": BYOL, "mae": MAE}[kind]
    return cls(model=model or DEFAULT_BACKBONE[kind], width=width, depth=depth, **(options or {}))
