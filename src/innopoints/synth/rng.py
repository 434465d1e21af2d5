"""Named random streams: each component draws from its own stream derived from (seed, name), so
adding or changing one component never shifts the numbers of another."""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([seed, zlib.crc32(name.encode("utf-8"))]))


def weighted_index(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    """``size`` draws of indices 0..len(weights)-1 with the given (unnormalised) weights."""
    p = np.asarray(weights, dtype=np.float64)
    p = p / p.sum()
    return rng.choice(len(p), size=size, p=p)


def row_choice(rng: np.random.Generator, probs: np.ndarray) -> np.ndarray:
    """One draw per row of a (n, k) matrix of row-normalised probabilities."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(probs.shape[0]) * cum[:, -1]
    return (cum < u[:, None]).sum(axis=1)


def exact_allocation(rng: np.random.Generator, total: int, weights: np.ndarray) -> np.ndarray:
    """Integers >= 0 proportional to ``weights`` that sum exactly to ``total`` (multinomial)."""
    p = np.asarray(weights, dtype=np.float64)
    return rng.multinomial(total, p / p.sum())


def scale_to_total(amounts: np.ndarray, total: int) -> np.ndarray:
    """Rescale positive integer amounts so they sum exactly to ``total`` (largest absorbs rounding)."""
    if len(amounts) == 0:
        return amounts.astype(np.int64)
    scaled = np.floor(amounts.astype(np.float64) * (total / float(amounts.sum()))).astype(np.int64)
    scaled = np.maximum(scaled, 1)
    scaled[int(np.argmax(scaled))] += total - int(scaled.sum())
    return scaled
