"""The Python side of test/cluster/augment.test.ts: normalise, augment (DEFAULT_AUGMENT), MAE
masks and an epoch permutation, drawn with the workstation's seeds.

usage: peer_augment.py IN.safetensors OUT.safetensors SEED
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from openecg_cluster.augment import DEFAULT_AUGMENT, augment_batch, normalize_batch  # noqa: E402
from openecg_cluster.rng import Rng, derive_seed  # noqa: E402
from openecg_cluster.safetensors_io import load_file, save_file  # noqa: E402
from openecg_cluster.ssl import random_patch_mask  # noqa: E402

tensors, _ = load_file(sys.argv[1])
seed = int(sys.argv[3])
x = tensors["x"].numpy()
z = normalize_batch(x)
views = augment_batch(z, DEFAULT_AUGMENT, derive_seed(seed, 4, 1))
masks = np.stack([random_patch_mask(40, 0.75, derive_seed(seed, 4, 3, i))[1] for i in range(len(x))]).astype(np.float32)
save_file({"normalised": z, "view": views, "order": masks, "perm": Rng(derive_seed(seed, 2)).permutation(1000).astype(np.float32)}, sys.argv[2])
