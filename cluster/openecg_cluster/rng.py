"""The workstation's seeded generator (src/shared/random.ts mulberry32, src/main/ml/rng.ts Rng and
deriveSeed) bit for bit, so views, masks and data order drawn here are the ones the TypeScript
draws for the same seed, step and record. mulberry32's state only advances by a constant, so a
run of draws is a function of their positions and vectorises with numpy.
"""
import math

import numpy as np

M32 = 0xFFFFFFFF
GOLDEN = 0x6D2B79F5


def imul(a, b):
    return (a * b) & M32


def derive_seed(seed, *parts):
    h = (seed ^ 0x9E3779B9) & M32
    for p in parts:
        h = imul(h ^ (p & M32), 0x85EBCA6B)
        h ^= h >> 13
        h = imul(h, 0xC2B2AE35)
        h ^= h >> 16
    return h if h != 0 else 1


def _out(t):
    t = imul(t ^ (t >> 15), t | 1)
    t ^= (t + imul(t ^ (t >> 7), t | 61)) & M32
    return ((t ^ (t >> 14)) & M32) / 4294967296.0


def mulberry_block(state, count):
    """The next `count` uniforms after `state` (vectorised); the caller advances state by count."""
    a = (np.uint64(state) + np.arange(1, count + 1, dtype=np.uint64) * np.uint64(GOLDEN)) & np.uint64(M32)
    t = a
    t = ((t ^ (t >> np.uint64(15))) * (t | np.uint64(1))) & np.uint64(M32)
    t = t ^ ((t + (((t ^ (t >> np.uint64(7))) * (t | np.uint64(61))) & np.uint64(M32))) & np.uint64(M32))
    return ((t ^ (t >> np.uint64(14))) & np.uint64(M32)).astype(np.float64) / 4294967296.0


class Rng:
    def __init__(self, seed):
        self.a = seed & M32
        self.spare = None

    def uniform(self):
        self.a = (self.a + GOLDEN) & M32
        return _out(self.a)

    def block(self, count):
        u = mulberry_block(self.a, count)
        self.a = (self.a + count * GOLDEN) & M32
        return u

    def between(self, lo, hi):
        return lo + (hi - lo) * self.uniform()

    def int(self, n):
        return min(n - 1, math.floor(self.uniform() * n))

    def chance(self, p):
        return p > 0 and self.uniform() < p

    def normals(self, count):
        """`count` (even) standard normals as `count` calls of Rng.normal() (Box-Muller pairs)."""
        assert self.spare is None and count % 2 == 0
        u = self.block(count)
        r = np.sqrt(-2 * np.log(np.maximum(u[0::2], 1e-12)))
        a = 2 * np.pi * u[1::2]
        out = np.empty(count)
        out[0::2] = r * np.cos(a)
        out[1::2] = r * np.sin(a)
        return out

    def permutation(self, n):
        p = np.arange(n, dtype=np.int64)
        u = self.block(max(0, n - 1))
        # Fisher-Yates from the end, j = int(i + 1) on the i-th draw, as rng.ts.
        for k, i in enumerate(range(n - 1, 0, -1)):
            j = min(i, math.floor(u[k] * (i + 1)))
            p[i], p[j] = p[j], p[i]
        return p
