"""Unit tests of the trainer's pieces (python3 -m unittest discover -s cluster/tests)."""
import math
import os
import sys
import tempfile
import unittest

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from openecg_cluster.config import learning_rate_at, resolve, steps_of  # noqa: E402
from openecg_cluster.data import EpochSampler, StepBatches  # noqa: E402
from openecg_cluster.models import create_model, vit_shape  # noqa: E402
from openecg_cluster.safetensors_io import load_file, save_file  # noqa: E402
from openecg_cluster.ssl import create_ssl, mae_decoder_shape, nt_xent  # noqa: E402


class SafetensorsTest(unittest.TestCase):
    def test_round_trip_with_metadata_and_dtypes(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "t.safetensors")
            t = {"a": torch.arange(6, dtype=torch.float32).reshape(2, 3), "b": torch.tensor([1, 2], dtype=torch.int64), "c": np.ones((1, 1, 4), np.float64)}
            save_file(t, path, {"task": "x"})
            with open(path, "rb") as f:
                head = int.from_bytes(f.read(8), "little")
            self.assertEqual(head % 8, 0)  # header padded so the data is 8-byte aligned
            got, meta = load_file(path)
            self.assertEqual(meta, {"task": "x"})
            self.assertTrue(torch.equal(got["a"], t["a"]))
            self.assertEqual(got["b"].dtype, torch.int64)
            self.assertEqual(got["c"].dtype, torch.float64)


class ShapesTest(unittest.TestCase):
    def test_full_size_parameter_counts_equal_torch_peer(self):
        # ../shared/bench/torch_peer.py's counts (see test/ml/models.test.ts): same networks.
        counts = {"resnet18_1d": 8_749_720, "resnet50_1d": 16_014_488}
        for name, n in counts.items():
            m = create_model(name)
            self.assertEqual(sum(p.numel() for p in m.parameters()), n, name)

    def test_tiny_shapes_round_as_typescript(self):
        self.assertEqual(vit_shape(0.0625, 0.1667), {"patch": 25, "dim": 24, "depth": 2, "heads": 1, "mlp": 96})
        self.assertEqual(mae_decoder_shape(0.0625, 0.1667)["dim"], 12)


class LossTest(unittest.TestCase):
    def test_nt_xent_equals_the_definition(self):
        torch.manual_seed(0)
        z1, z2 = torch.randn(4, 8, dtype=torch.float64), torch.randn(4, 8, dtype=torch.float64)
        z = F.normalize(torch.cat([z1, z2]), dim=1)
        sim = z @ z.t() / 0.1
        total = 0.0
        for i in range(8):
            j = (i + 4) % 8
            others = [sim[i, k] for k in range(8) if k != i]
            total += -(sim[i, j] - torch.logsumexp(torch.stack(others), 0))
        self.assertAlmostEqual(nt_xent(z1, z2, 0.1).item(), (total / 8).item(), places=9)

    def test_byol_target_starts_equal_and_moves_by_the_average(self):
        torch.manual_seed(0)
        b = create_ssl("byol", "resnet18_1d", 0.0625, 0.25, {"projectorHidden": 16, "projectorOut": 8})
        sd = b.state_dict()
        self.assertTrue(torch.equal(sd["target.encoder.0.weight"], sd["encoder.0.weight"]))
        with torch.no_grad():
            b.encoder[0].weight.add_(1.0)
        b.after_step(0, 10)
        diff = (b.state_dict()["target.encoder.0.weight"] - sd["encoder.0.weight"] + 1.0).abs().max().item()
        self.assertAlmostEqual(b.state_dict()["target.encoder.0.weight"].sub(b.encoder[0].weight).abs().max().item(), 0.996, places=5)
        self.assertGreater(diff, 0)


class ScheduleTest(unittest.TestCase):
    def test_steps_and_learning_rate_as_the_workstation(self):
        self.assertEqual(steps_of({"epochs": 2, "batchSize": 256}, 1000), 8)
        self.assertAlmostEqual(learning_rate_at(0, 1e-3, "cosine", 10, 100), 1e-4)
        self.assertAlmostEqual(learning_rate_at(55, 1e-3, "cosine", 10, 100), 0.5e-3)
        self.assertEqual(learning_rate_at(100, 1e-3, "cosine", 0, 100), 0.0)

    def test_method_learning_rate_wins_over_the_budget(self):
        doc = {"name": "x", "methods": [{"method": "mae", "learningRate": 0.01}], "pretrain": {"steps": 5, "batchSize": 4, "learningRate": 0.5}}
        r = resolve(doc, "pretrain", 0, 100)
        self.assertEqual((r["learningRate"], r["weightDecay"], r["beta2"], r["backbone"]), (0.01, 0.05, 0.95, "vit_1d"))


class SamplerTest(unittest.TestCase):
    def test_two_ranks_together_hold_the_one_rank_batch_at_the_same_places(self):
        rows = np.arange(100, 150)
        one = list(StepBatches(EpochSampler(rows, 8, 1, 0, seed=4), 1, 2))
        two = [list(StepBatches(EpochSampler(rows, 8, 2, r, seed=4), 1, 2)) for r in range(2)]
        self.assertEqual(len(one), 6 - 2)
        for step, batch in enumerate(one):
            merged = sorted(two[0][step] + two[1][step], key=lambda t: t[2])
            self.assertEqual(merged, batch)
            self.assertEqual([t[1] for t in batch], [1 * 6 + 2 + step] * 8)


if __name__ == "__main__":
    unittest.main()
