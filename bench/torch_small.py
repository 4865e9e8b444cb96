"""PyTorch peer for networks of any width and depth (the small config's 1/16-width ones), timed as
../shared/bench/torch_peer.py times the full-size ones (one warm-up, then the median of --steps;
Adam lr 1e-3, BCE with logits against random 0/1 labels), on the repository's own PyTorch
networks (cluster/openecg_cluster/models.py, which round width and depth as the TypeScript does).
torch_peer.py builds fixed full-size shapes only, hence this file.
Run: /usr/bin/python3 bench/torch_small.py --model resnet18_1d --width 0.0625 --depth 0.25 [--batch 16] [--threads 2] [--steps 5]
Prints one JSON line with the fields torch_peer.py prints.
"""
import argparse, json, os, statistics, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cluster"))
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
from openecg_cluster.models import create_model  # noqa: E402


def median_ms(fn, steps):
    fn()  # warm-up
    times = []
    for _ in range(steps):
        t = time.perf_counter(); fn(); times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="resnet18_1d")
    ap.add_argument("--width", type=float, default=1.0)
    ap.add_argument("--depth", type=float, default=1.0)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=5)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    x = torch.randn(a.batch, 12, 1000)
    y = (torch.rand(a.batch, 24) < 0.1).float()
    model = create_model(a.model, width=a.width, depth=a.depth)
    opt = torch.optim.Adam(model.parameters(), 1e-3)
    loss_fn = nn.BCEWithLogitsLoss()

    def train_step():
        model.train(); opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()

    def infer():
        model.eval()
        with torch.no_grad():
            model(x)

    train = median_ms(train_step, a.steps)
    inf = median_ms(infer, a.steps)
    print(json.dumps({
        "peer": "pytorch", "version": torch.__version__, "model": a.model, "width": a.width, "depth": a.depth,
        "batch": a.batch, "threads": a.threads, "params": sum(p.numel() for p in model.parameters()),
        "train_step_ms": round(train, 1), "train_samples_per_s": round(a.batch / train * 1000, 1),
        "infer_ms": round(inf, 1), "infer_samples_per_s": round(a.batch / inf * 1000, 1),
    }), flush=True)


if __name__ == "__main__":
    main()
