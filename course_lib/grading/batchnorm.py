"""Checks for the batch-normalization exercises: the forward pass in training mode for (N, D) and
(N, C, H, W) inputs, its backward pass, the running-statistics update, and a prediction of what
a layer does in training and in evaluation mode. References are `torch.nn.functional.batch_norm`
and autograd in float64 (and centred differences); each typical mistake (wrong axis, unbiased
variance in the forward pass, ε outside the root, momentum reversed, a missing gradient term) is
recognised.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from .answers import numbers_case
from .core import Case, CheckResult, call, expect_array, expect_arrays, run_cases
from .gradients import expect_gradients, reference_gradients

__all__ = [
    "check_batchnorm2d_train",
    "check_batchnorm_backward",
    "check_bn_mode_predictions",
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


# ----------------------------------------------------------------------------- backward pass


def _bn_forward(x: Any, gamma: Any, beta: Any, eps: float = EPS) -> Any:
    """Training-mode BN of (N, D) written once for NumPy arrays and torch tensors alike."""
    mean = x.mean(0)
    var = ((x - mean) ** 2).mean(0)
    return gamma * (x - mean) / (var + eps) ** 0.5 + beta


def _backward_mistakes(dout: np.ndarray, x: np.ndarray, gamma: np.ndarray
                       ) -> Callable[[], list[tuple[tuple[np.ndarray, ...], str]]]:
    def mistakes() -> list[tuple[tuple[np.ndarray, ...], str]]:
        std = np.sqrt(x.var(axis=0) + EPS)
        x_hat = (x - x.mean(axis=0)) / std
        dbeta, dgamma = dout.sum(axis=0), (dout * x_hat).sum(axis=0)
        d_hat = gamma * dout

        def dx(d: np.ndarray, mean_term: bool = True, var_term: bool = True) -> np.ndarray:
            out = d - (d.mean(axis=0) if mean_term else 0.0)
            return (out - (x_hat * (d * x_hat).mean(axis=0) if var_term else 0.0)) / std

        return [
            ((dx(d_hat, mean_term=False), dgamma, dbeta),
             "the term from the mean is missing: μ depends on every x_i, so subtract the "
             "mean of γ·dout over the batch as well"),
            ((dx(d_hat, var_term=False), dgamma, dbeta),
             "the term from the variance is missing: σ² depends on every x_i too, which "
             "subtracts x̂ · mean(γ·dout·x̂)"),
            ((d_hat / std, dgamma, dbeta),
             "you treated μ and σ² as constants (dx = γ·dout/σ): they are computed from "
             "the batch, so each x_i also moves them, which adds two terms"),
            ((dx(dout), dgamma, dbeta), "γ is missing from dx: the upstream gradient of x̂ "
                                        "is γ·dout"),
            ((dx(d_hat), (dout * x).sum(axis=0), dbeta),
             "dγ sums dout · x̂, the normalized input, not dout · x"),
            ((dx(d_hat), dbeta, dbeta), "dγ sums dout · x̂ (y = γ·x̂ + β), not dout alone"),
            ((dx(d_hat), dgamma, dout.mean(axis=0)), "dβ is the sum of dout over the batch, "
                                                     "not its mean"),
            ((dx(d_hat), dout.sum(axis=1), dout.sum(axis=1)),
             "sum over the batch (axis 0): γ and β have one entry per feature"),
        ]

    return mistakes


def _backward_case(label: str, x: np.ndarray, gamma: np.ndarray, dout: np.ndarray,
                   points: int = 1) -> Case:
    beta = np.zeros_like(gamma)

    def run(fn: Callable[..., Any]) -> None:
        autograd, numeric = reference_gradients(_bn_forward, (x, gamma, beta), dout)
        got = call(fn, dout, x, gamma, EPS)
        if isinstance(got, tuple | list) and len(got) == 3:
            got = tuple(got)
        expect_gradients(got, autograd, numeric, ("dx", "dgamma", "dbeta"),
                         _backward_mistakes(dout, x, gamma))

    return Case(label, run, points)


def check_batchnorm_backward(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(dout, x, gamma, eps)` → (dx, dgamma, dbeta) of training-mode BN of x: (N, D)
    against autograd and centred differences in float64."""
    rng = np.random.default_rng(25)
    worked = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0], [6.0, 60.0]])
    cases = [
        _backward_case("worked example, dout = 1 everywhere: dx = 0, dγ = 0, dβ = N", worked,
                       np.ones(2), np.ones((4, 2))),
        _backward_case("worked example, one upstream gradient: dout[0, 0] = 1", worked,
                       np.array([1.0, 2.0]), np.eye(4, 2) * [1.0, 0.0]),
        _backward_case("a batch of 2, where the batch statistics matter most",
                       rng.normal(size=(2, 5)), rng.normal(size=5), rng.normal(size=(2, 5))),
        _backward_case("random 16 × 3, γ = [2, 0.5, 1]", rng.normal(5, 3, (16, 3)),
                       np.array([2.0, 0.5, 1.0]), rng.normal(size=(16, 3))),
        _backward_case("random 64 × 10 (autograd and centred differences)",
                       rng.normal(-2, 4, (64, 10)), rng.normal(size=10),
                       rng.normal(size=(64, 10)), points=2),
    ]
    return run_cases("batchnorm_backward", fn, cases, verbose=verbose)


# ------------------------------------------------------------------ predict: train vs eval mode

MODES_BATCH = [[1.0], [3.0]]  # the batch the prediction task feeds to a fresh BatchNorm1d(1)


def _fresh_layer_run(batch: list[list[float]]) -> dict[str, list[float] | float]:
    """What a fresh `nn.BatchNorm1d(1)` does with `batch`: its training-mode output, its running
    statistics after that step, then its evaluation-mode output on the same batch."""
    layer = torch.nn.BatchNorm1d(1).double()
    x = torch.tensor(batch, dtype=torch.float64)
    with torch.no_grad():
        train = layer(x)[:, 0].tolist()
        layer.eval()
        evaluated = layer(x)[:, 0].tolist()
    return {"train_output": train, "running_mean": layer.running_mean.item(),
            "running_var": layer.running_var.item(), "eval_output": evaluated}


def check_bn_mode_predictions(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn()` → a dict predicting what a fresh `nn.BatchNorm1d(1)` does with the batch
    [[1], [3]] in training mode, then in evaluation mode; and with [[1], [100]] in training."""
    run = _fresh_layer_run(MODES_BATCH)
    far = _fresh_layer_run([[1.0], [100.0]])["train_output"]
    x = np.array(MODES_BATCH)[:, 0]
    fresh_eval = "that is a fresh layer in evaluation mode (running mean 0, variance 1)"
    cases = [
        numbers_case("training mode on [[1], [3]]", "train_output", run["train_output"], [
            (x, fresh_eval + ": in training mode the layer normalizes with the batch's own "
                "mean and variance"),
            (x / np.sqrt(2) - 2 / np.sqrt(2), "the forward pass uses the biased batch variance "
                                              "(divide by m, not m − 1)")]),
        numbers_case("training mode on [[1], [100]]", "train_output_far", far, [
            ([1.0, 100.0], fresh_eval + ": training mode uses the batch's statistics"),
            ([-1 / np.sqrt(2), 1 / np.sqrt(2)], "the forward pass uses the biased variance")]),
        numbers_case("running_mean after that training step", "running_mean",
                     run["running_mean"], [
            (2.0, "that is the batch mean itself: the running mean moves only a fraction "
                  "momentum = 0.1 of the way towards it"),
            (1.8, "momentum is the weight of the new batch: 0.9 · old + 0.1 · batch mean"),
            (0.0, "a training-mode call updates the running statistics")]),
        numbers_case("running_var after that training step", "running_var", run["running_var"], [
            (1.0, "that is the value if the running variance were not updated, or updated "
                  "with the biased batch variance: the update uses the unbiased one, "
                  "m/(m − 1) · σ²"),
            (2.0, "the running variance moves only a fraction momentum = 0.1 of the way"),
            (1.9, "momentum is the weight of the new batch, not of the old value")]),
        numbers_case("evaluation mode on [[1], [3]] after that step", "eval_output",
                     run["eval_output"], [
            (run["train_output"], "in evaluation mode the layer uses its running statistics, "
                                  "not the batch's"),
            (x, fresh_eval + ", but the training step before changed the running statistics"),
            ((x - run["running_mean"]), "divide by √(running_var + ε) too")]),
    ]
    return run_cases("bn_mode_predictions", fn, cases, verbose=verbose)
