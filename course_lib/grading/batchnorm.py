"""Checks for the batch-normalization exercises: the forward pass in training mode for (N, D) and
(N, C, H, W) inputs, the running-statistics update and the forward pass in evaluation mode.
The reference is `torch.nn.functional.batch_norm` in float64; each typical mistake (wrong axis,
unbiased variance in the forward pass, ε outside the root, momentum reversed) is recognised.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from .core import Case, CheckResult, call, expect_array, expect_arrays, run_cases

__all__ = [
    "check_batchnorm2d_train",
    "check_batchnorm_eval",
    "check_batchnorm_train",
    "check_running_update",
]

EPS = 1e-5


def torch_batch_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, training: bool = True,
                     running_mean: np.ndarray | None = None,
                     running_var: np.ndarray | None = None, momentum: float = 0.1,
                     eps: float = EPS) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """The reference, `F.batch_norm` in float64: (y, new running_mean, new running_var)."""

    def t(a: np.ndarray | None) -> Any:
        return None if a is None else torch.tensor(np.array(a, dtype=np.float64))

    rm, rv = t(running_mean), t(running_var)
    y = F.batch_norm(t(x), rm, rv, t(gamma), t(beta), training=training, momentum=momentum,
                     eps=eps)
    return y.numpy(), None if rm is None else rm.numpy(), None if rv is None else rv.numpy()


def _normalize(x: np.ndarray, mean: np.ndarray, var: np.ndarray, gamma: np.ndarray,
               beta: np.ndarray, eps: float = EPS, root_then_eps: bool = False) -> np.ndarray:
    """γ(x − μ)/√(σ² + ε) + β with statistics already shaped to broadcast (a mistake builder)."""
    shape = (1, -1) + (1,) * (x.ndim - 2)
    g, b = gamma.reshape(shape), beta.reshape(shape)
    std = np.sqrt(var) + eps if root_then_eps else np.sqrt(var + eps)
    return g * (x - mean) / std + b


def _train_mistakes(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray
                    ) -> Callable[[], list[tuple[np.ndarray, str]]]:
    axes = (0, *range(2, x.ndim))  # per channel, over the batch (and H, W)
    keep = {"axis": axes, "keepdims": True}

    def mistakes() -> list[tuple[np.ndarray, str]]:
        mean, var = x.mean(**keep), x.var(**keep)
        found = [
            (_normalize(x, mean, x.var(ddof=1, **keep), gamma, beta),
             "the forward pass divides by m (the biased variance, np.var's default); the "
             "unbiased m/(m − 1) version is only for the running variance"),
            (_normalize(x, mean, var, gamma, beta, root_then_eps=True),
             "ε goes inside the square root: (x − μ) / √(σ² + ε)"),
            (_normalize(x, mean, var, np.ones_like(gamma), np.zeros_like(beta)),
             "γ and β are missing: return γ·x̂ + β"),
            (_normalize(x, mean, var, beta, gamma), "γ and β are swapped: y = γ·x̂ + β"),
        ]
        if x.ndim == 2:
            found.append((_normalize(x, x.mean(axis=1, keepdims=True),
                                     x.var(axis=1, keepdims=True), gamma, beta),
                          "you normalized each example over its features (axis 1); batch "
                          "norm normalizes each feature over the batch (axis 0)"))
        else:
            found.append((_normalize(x, x.mean(axis=0, keepdims=True),
                                     x.var(axis=0, keepdims=True), gamma, beta),
                          "you computed statistics per position (over axis 0 only); a channel "
                          "shares one mean and variance over N, H and W (axes 0, 2, 3)"))
            found.append((_normalize(x, x.mean(axis=(0, 1, 2, 3), keepdims=True),
                                     x.var(axis=(0, 1, 2, 3), keepdims=True), gamma, beta),
                          "one mean for all channels: keep one per channel (don't average "
                          "over axis 1)"))
        return found

    return mistakes


def _train_case(label: str, x: np.ndarray, gamma: np.ndarray, beta: np.ndarray) -> Case:
    def run(fn: Callable[..., Any]) -> None:
        expect_array(call(fn, x, gamma, beta, EPS), torch_batch_norm(x, gamma, beta)[0],
                     _train_mistakes(x, gamma, beta))

    return Case(label, run)


def check_batchnorm_train(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(x, gamma, beta, eps)`: training-mode BN of x: (N, D), γ, β: (D,)."""
    rng = np.random.default_rng(21)
    worked = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [6.0, 60.0]])
    cases = [
        _train_case("worked example: 4 examples, 2 features, γ = 1, β = 0", worked, np.ones(2),
                    np.zeros(2)),
        _train_case("γ = [2, 0.5, 1], β = [1, 0, -3] on 16 × 3, one feature nearly constant "
                    "(variance ~1e-6, where ε matters)",
                    rng.normal(5, 3, (16, 3)) * np.array([1.0, 1.0, 1e-3]),
                    np.array([2.0, 0.5, 1.0]), np.array([1.0, 0.0, -3.0])),
        _train_case("random 64 × 10 against torch", rng.normal(-2, 4, (64, 10)),
                    rng.normal(size=10), rng.normal(size=10)),
    ]
    return run_cases("batchnorm_train", fn, cases, verbose=verbose)


def check_batchnorm2d_train(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(x, gamma, beta, eps)`: training-mode BN of x: (N, C, H, W), γ, β: (C,)."""
    rng = np.random.default_rng(22)
    cases = [
        _train_case("one channel, batch 32 of 6×6 maps (1,152 values)",
                    rng.normal(1, 2, (32, 1, 6, 6)), np.ones(1), np.zeros(1)),
        _train_case("3 channels with different scales", rng.normal(size=(8, 3, 5, 4))
                    * np.array([1.0, 10.0, 0.1])[None, :, None, None], np.array([1.0, 2.0, 3.0]),
                    np.array([0.0, -1.0, 1.0])),
        _train_case("random (4, 6, 7, 7) against torch", rng.normal(3, 2, (4, 6, 7, 7)),
                    rng.normal(size=6), rng.normal(size=6)),
    ]
    return run_cases("batchnorm2d_train", fn, cases, verbose=verbose)


def _update_case(label: str, x: np.ndarray, momentum: float, seed: int) -> Case:
    rng = np.random.default_rng(seed)
    d = x.shape[1]
    rm, rv = rng.normal(size=d), rng.uniform(0.5, 2, d)
    _, new_mean, new_var = torch_batch_norm(x, np.ones(d), np.zeros(d), True, rm, rv, momentum)
    m, mean = x.shape[0], x.mean(axis=0)

    def mistakes() -> list[tuple[tuple[np.ndarray, np.ndarray], str]]:
        var_b, var_u = x.var(axis=0), x.var(axis=0, ddof=1)
        return [
            ((new_mean, (1 - momentum) * rv + momentum * var_b),
             f"the running variance uses the unbiased batch variance σ²·m/(m − 1) "
             f"(here m = {m}), not the biased one"),
            ((momentum * rm + (1 - momentum) * mean, momentum * rv + (1 - momentum) * var_u),
             "momentum is the weight of the *new* batch (PyTorch's convention): "
             "running = (1 − momentum)·running + momentum·batch"),
            ((mean, var_u), "you returned the batch statistics: blend them into the running "
                            "ones with the momentum"),
        ]

    def run(fn: Callable[..., Any]) -> None:
        got = call(fn, rm, rv, x, momentum)
        expect_arrays(got, (new_mean, new_var), ("new running_mean", "new running_var"),
                      mistakes)

    return Case(label, run)


def check_running_update(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(running_mean, running_var, x, momentum)` → (new_mean, new_var) for x: (N, D),
    compared with the buffers `nn.BatchNorm1d` leaves after one training step."""
    rng = np.random.default_rng(23)
    cases = [
        _update_case("batch of 4, momentum 0.1", rng.normal(2, 1, (4, 3)), 0.1, 1),
        _update_case("batch of 32, momentum 0.01", rng.normal(size=(32, 5)), 0.01, 2),
        _update_case("batch of 2 (m/(m − 1) = 2), momentum 0.5", rng.normal(size=(2, 4)), 0.5, 3),
    ]
    return run_cases("running_update", fn, cases, verbose=verbose)


def _eval_case(label: str, x: np.ndarray, seed: int) -> Case:
    rng = np.random.default_rng(seed)
    d = x.shape[1]
    rm, rv = rng.normal(size=d), rng.uniform(0.5, 2, d)
    rv[0] = 2e-6  # a nearly constant feature: where ε sits matters
    gamma, beta = rng.normal(size=d), rng.normal(size=d)
    expected = torch_batch_norm(x, gamma, beta, False, rm, rv)[0]

    def mistakes() -> list[tuple[np.ndarray, str]]:
        batch = _normalize(x, x.mean(axis=0, keepdims=True), x.var(axis=0, keepdims=True),
                           gamma, beta)
        return [(batch,
                 "in evaluation mode use the running statistics, not the batch's: each "
                 "prediction must not depend on the other images of the batch"),
                (_normalize(x, rm, rv, np.ones(d), np.zeros(d)), "γ and β are missing"),
                (_normalize(x, rm, rv, gamma, beta, root_then_eps=True),
                 "ε goes inside the square root")]

    def run(fn: Callable[..., Any]) -> None:
        expect_array(call(fn, x, rm, rv, gamma, beta, EPS), expected, mistakes)

    return Case(label, run)


def check_batchnorm_eval(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(x, running_mean, running_var, gamma, beta, eps)`: evaluation-mode BN of
    x: (N, D)."""
    rng = np.random.default_rng(24)
    cases = [
        _eval_case("batch of 8, 3 features", rng.normal(1, 2, (8, 3)), 1),
        _eval_case("a single example (batch of 1)", rng.normal(size=(1, 6)), 2),
    ]
    return run_cases("batchnorm_eval", fn, cases, verbose=verbose)
