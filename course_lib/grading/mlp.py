"""Checks for the two-layer network exercises: the forward pass p = σ(tanh(x W1ᵀ + b1) W2ᵀ + b2)
and its backward pass for the mean binary cross-entropy.

The reference is torch in float64 (`torch.nn.functional.linear` and autograd), on random shapes;
`course_lib.two_layer_net` computes the same by hand and the tests hold the two together.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from .core import Case, CaseFailure, CheckResult, call, expect_array, run_cases

__all__ = [
    "check_mlp_backward",
    "check_mlp_forward",
]

PARAMS = ("W1", "b1", "W2", "b2")


def torch_mlp(x: np.ndarray, W1: np.ndarray, b1: np.ndarray, W2: np.ndarray, b2: np.ndarray,
              y: np.ndarray | None = None, hidden: str = "tanh") -> dict[str, np.ndarray]:
    """The reference, in float64 torch: {"p": (N, O)} and, when y (N, O) is given, the mean
    binary cross-entropy "loss" and its gradients "W1", "b1", "W2", "b2" by autograd.
    `hidden` ('tanh', 'relu', 'sigmoid' or 'none') is the hidden activation (the others are
    there to recognise mistakes)."""

    t = {k: torch.tensor(np.asarray(v, dtype=np.float64), requires_grad=y is not None)
         for k, v in zip(PARAMS, (W1, b1, W2, b2), strict=True)}
    z1 = F.linear(torch.tensor(np.asarray(x, dtype=np.float64)), t["W1"], t["b1"])
    act = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid,
           "none": lambda v: v}[hidden]
    z2 = F.linear(act(z1), t["W2"], t["b2"])
    out = {"p": torch.sigmoid(z2).detach().numpy(), "z2": z2.detach().numpy()}
    if y is not None:
        loss = F.binary_cross_entropy_with_logits(z2, torch.tensor(np.asarray(y, np.float64)))
        loss.backward()
        out["loss"] = loss.item()
        out.update({k: t[k].grad.numpy() for k in PARAMS})
    return out


def _problem(seed: int, n: int, d: int, h: int, o: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)  # fixed seeds: every report is the same
    arrays = {"x": rng.standard_normal((n, d)), "W1": rng.standard_normal((h, d)),
              "b1": rng.standard_normal(h) * 0.5, "W2": rng.standard_normal((o, h)),
              "b2": rng.standard_normal(o) * 0.5, "y": rng.integers(0, 2, (n, o)).astype(float)}
    for a in arrays.values():
        a.setflags(write=False)
    return arrays


def _args(p: dict[str, np.ndarray]) -> tuple[np.ndarray, ...]:
    return p["x"], p["W1"], p["b1"], p["W2"], p["b2"]


# -------------------------------------------------------------------------------- forward pass


def _forward_case(label: str, p: dict[str, np.ndarray]) -> Case:
    def mistakes() -> list[tuple[np.ndarray, str]]:
        found = [(torch_mlp(*_args(p))["z2"], "these are the logits z2: apply the sigmoid "
                  "σ(z) = 1 / (1 + e^−z) to get probabilities")]
        for act, hint in (("none", "the hidden layer needs its tanh: without it the two "
                                   "layers collapse into one linear map"),
                          ("relu", "the hidden activation is tanh, not ReLU"),
                          ("sigmoid", "the hidden activation is tanh, not the sigmoid")):
            found.append((torch_mlp(*_args(p), hidden=act)["p"], hint))
        no_b = dict(p, b1=np.zeros_like(p["b1"]))
        found.append((torch_mlp(*_args(no_b))["p"], "did you forget the bias b1?"))
        no_b2 = dict(p, b2=np.zeros_like(p["b2"]))
        found.append((torch_mlp(*_args(no_b2))["p"], "did you forget the bias b2?"))
        return found

    def run(fn: Callable[..., Any]) -> None:
        try:
            got = call(fn, *_args(p))
        except CaseFailure as e:
            if "shapes" in str(e) or "dimension" in str(e) or "aligned" in str(e):
                raise CaseFailure(f"{e}; the weights are laid out as in nn.Linear, W1: (H, D), "
                                  "so the hidden layer is x @ W1.T + b1") from None
            raise
        expect_array(got, torch_mlp(*_args(p))["p"], mistakes)

    return Case(label, run)


def check_mlp_forward(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(x, W1, b1, W2, b2) -> p (N, O)` against torch."""
    cases = [
        _forward_case("the XOR network's shapes: 4 points, 2 inputs, 2 hidden, 1 output",
                      _problem(21, 4, 2, 2, 1)),
        _forward_case("8 examples, 5 inputs, 3 hidden units, 1 output", _problem(22, 8, 5, 3, 1)),
        _forward_case("6 examples, 4 inputs, 7 hidden units, 3 outputs", _problem(23, 6, 4, 7, 3)),
    ]
    return run_cases("mlp_forward", fn, cases, verbose=verbose)


# ------------------------------------------------------------------------------- backward pass


def _backward_mistakes(p: dict[str, np.ndarray], name: str) -> list[tuple[np.ndarray, str]]:
    ref = torch_mlp(*_args(p), y=p["y"])
    count = p["y"].size
    found = [(ref[name] * count, "the loss is the MEAN over all N·O outputs: divide "
                                 "(p − y) by their number"),
             (-ref[name], "the sign is flipped: ∂L/∂z2 = (p − y) / count")]
    if name in ("W1", "b1"):
        h = np.tanh(p["x"] @ p["W1"].T + p["b1"])
        dz2 = (torch_mlp(*_args(p))["p"] - p["y"]) / count
        dh = dz2 @ p["W2"]  # (N, H), without tanh's local gradient
        found.append((dh.T @ p["x"] if name == "W1" else dh.sum(0),
                      "multiply by tanh's local gradient 1 − h² on the way back"))
        found.append(((dh * h).T @ p["x"] if name == "W1" else (dh * h).sum(0),
                      "tanh's local gradient is 1 − h², not h"))
        found.append(((dh * (1 - h)).T @ p["x"] if name == "W1" else (dh * (1 - h)).sum(0),
                      "tanh's local gradient is 1 − h², not 1 − h"))
    if name in ("W1", "W2"):
        found.append((ref[name].T, "transposed: a gradient has its parameter's shape"))
    return found


def _backward_case(label: str, p: dict[str, np.ndarray]) -> Case:
    def run(fn: Callable[..., Any]) -> None:
        got = call(fn, p["x"], p["y"], *_args(p)[1:])
        if isinstance(got, tuple | list) and len(got) == 4:
            got = dict(zip(PARAMS, got, strict=True))
        if not isinstance(got, dict):
            raise CaseFailure(f"expected a dict with keys {list(PARAMS)}, got "
                              f"{type(got).__name__}")
        missing = [k for k in PARAMS if k not in got]
        if missing:
            raise CaseFailure(f"the dict has no gradient for {missing}; expected keys "
                              f"{list(PARAMS)}")
        ref = torch_mlp(*_args(p), y=p["y"])
        for name in PARAMS:
            try:
                expect_array(got[name], ref[name], lambda n=name: _backward_mistakes(p, n))
            except CaseFailure as e:
                raise CaseFailure(f"gradient of {name}: {e}") from None

    return Case(label, run)


def check_mlp_backward(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(x, y, W1, b1, W2, b2) -> {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}`, the
    gradients of the mean binary cross-entropy, against torch autograd."""
    cases = [
        _backward_case("the XOR network's shapes", _problem(31, 4, 2, 2, 1)),
        _backward_case("10 examples, 3 inputs, 4 hidden units", _problem(32, 10, 3, 4, 1)),
        _backward_case("7 examples, 5 inputs, 6 hidden units, 2 outputs",
                       _problem(33, 7, 5, 6, 2)),
        _backward_case("a single example", _problem(34, 1, 3, 3, 1)),
    ]
    return run_cases("mlp_backward", fn, cases, verbose=verbose)
