"""Raw cosine -> match probability and 0-100 score, from the sidecar's logistic fit."""

from __future__ import annotations

import math

import numpy as np


def fit_logistic(matched: np.ndarray, mismatched: np.ndarray, iters: int = 50) -> tuple[float, float]:
    """Fit p(match | cosine) = sigmoid(a * cosine + b) by Newton's method, classes weighted equally.

    Returns (a, b) with a > 0, so the calibrated score is monotonic in the raw one.
    """
    x = np.concatenate([matched, mismatched]).astype(np.float64)
    y = np.concatenate([np.ones(len(matched)), np.zeros(len(mismatched))])
    w = np.where(y == 1, 0.5 / max(len(matched), 1), 0.5 / max(len(mismatched), 1))
    a, b = 1.0, 0.0
    for _ in range(iters):
        p = 1 / (1 + np.exp(-(a * x + b)))
        g = np.array([np.sum(w * (p - y) * x), np.sum(w * (p - y))])
        s = w * p * (1 - p)
        h = np.array([[np.sum(s * x * x), np.sum(s * x)], [np.sum(s * x), np.sum(s)]]) + 1e-6 * np.eye(2)
        a, b = np.array([a, b]) - np.linalg.solve(h, g)
    return float(max(a, 1e-6)), float(b)


def match_probability(cosine: float, slope: float, intercept: float) -> float:
    """Probability that the audio says the text, per the model's calibration."""
    z = slope * cosine + intercept
    return 1 / (1 + math.exp(-z)) if z > -700 else 0.0
