"""BatchNorm over the global batch of every rank, on any device.

torch's nn.SyncBatchNorm is the tool on GPUs (train.py converts to it there), but before torch 2
it refuses CPU tensors, and CI trains on CPUs with gloo. DistBatchNorm1d is an nn.BatchNorm1d
(same parameters, buffers and names) whose training-mode statistics are summed over the ranks
with a differentiable all_reduce, so a 2-rank step computes what one process would on the whole
batch. One process (no process group of 2 or more) runs torch's fused batch_norm instead: the
same statistics to float rounding (the ddp tests hold 1e-5 in float64), and about 6x less CPU
than the unfused two-pass ops, which took a quarter of a ResNet step on the CPU (docs/cluster.md).
Inference is plain BatchNorm1d.
"""
import torch
import torch.distributed as dist
import torch.nn as nn


class AllReduceSum(torch.autograd.Function):
    """all_reduce(SUM) whose backward is the all_reduce(SUM) of the gradients (every rank's loss
    depends on every rank's contribution)."""

    @staticmethod
    def forward(ctx, x):
        y = x.clone()
        dist.all_reduce(y)
        return y

    @staticmethod
    def backward(ctx, g):
        g = g.clone()
        dist.all_reduce(g)
        return g


def distributed():
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


class DistBatchNorm1d(nn.BatchNorm1d):
    def forward(self, x):
        if not self.training or (not distributed() and x.numel() > x.shape[1]):
            return super().forward(x)  # fused; a single value per channel is left to the two passes (torch refuses it)
        reduce = AllReduceSum.apply if distributed() else (lambda t: t)
        dims = [0, 2] if x.dim() == 3 else [0]
        count = float(x.numel() // x.shape[1])
        if distributed():
            c = torch.tensor([count], device=x.device, dtype=torch.float64)
            dist.all_reduce(c)
            count = c.item()
        shape = [1, -1, 1] if x.dim() == 3 else [1, -1]
        # Two passes (mean, then centred squares): no cancellation in the variance.
        mean = reduce(x.sum(dims)) / count
        centred = x - mean.reshape(shape)
        var = reduce((centred * centred).sum(dims)) / count
        with torch.no_grad():
            m = self.momentum
            self.running_mean.mul_(1 - m).add_(mean.detach(), alpha=m)
            self.running_var.mul_(1 - m).add_(var.detach() * (count / max(1.0, count - 1)), alpha=m)
            self.num_batches_tracked += 1
        y = centred * torch.rsqrt(var + self.eps).reshape(shape)
        return y * self.weight.reshape(shape) + self.bias.reshape(shape)
