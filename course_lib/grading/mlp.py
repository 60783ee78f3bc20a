"""Check for the two-layer network's backward pass: a ReLU hidden layer and a softmax output,
z = relu(x W1ᵀ + b1) W2ᵀ + b2, trained with the mean cross-entropy over N examples (a variant of
chapter 02's tanh–sigmoid network, whose backward pass the chapter prints).

The references are torch autograd in float64 (`torch_mlp`) and, for one case, central-difference
numerical gradients (`numerical_mlp_gradients`); the tests hold the two together. Mistakes are
recognised by computing them by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from ..numerics import numerical_gradient
from .answers import expect_dict
from .core import Case, CaseFailure, CheckResult, call, expect_array, run_cases

__all__ = ["check_mlp_backward", "numerical_mlp_gradients", "torch_mlp"]

PARAMS = ("W1", "b1", "W2", "b2")


def torch_mlp(x: np.ndarray, labels: np.ndarray, W1: np.ndarray, b1: np.ndarray, W2: np.ndarray,
              b2: np.ndarray) -> dict[str, Any]:
    """The reference, in float64 torch: the mean cross-entropy "loss" of softmax(z) with
    z = relu(x W1ᵀ + b1) W2ᵀ + b2, and its gradients "W1", "b1", "W2", "b2" by autograd."""
    t = {k: torch.tensor(np.asarray(v, dtype=np.float64), requires_grad=True)
         for k, v in zip(PARAMS, (W1, b1, W2, b2), strict=True)}
    h = torch.relu(F.linear(torch.tensor(np.asarray(x, dtype=np.float64)), t["W1"], t["b1"]))
    loss = F.cross_entropy(F.linear(h, t["W2"], t["b2"]),
                           torch.tensor(np.asarray(labels, dtype=np.int64)))
    loss.backward()
    return {"loss": loss.item(), **{k: t[k].grad.numpy() for k in PARAMS}}


def _problem(seed: int, n: int, d: int, h: int, c: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)  # fixed seeds: every report is the same
    arrays = {"x": rng.standard_normal((n, d)), "labels": rng.integers(0, c, n),
              "W1": rng.standard_normal((h, d)), "b1": rng.standard_normal(h) * 0.5,
              "W2": rng.standard_normal((c, h)), "b2": rng.standard_normal(c) * 0.5}
    for a in arrays.values():
        a.setflags(write=False)
    return arrays


def _args(p: dict[str, np.ndarray]) -> tuple[np.ndarray, ...]:
    return p["x"], p["labels"], p["W1"], p["b1"], p["W2"], p["b2"]


def _by_hand(p: dict[str, np.ndarray], output: str = "softmax", divide_by: str = "N",
             local: str = "relu") -> dict[str, np.ndarray]:
    """The backward pass with one mistake built in: output 'softmax' or 'sigmoid', the mean
    over 'N' or 'NC', the hidden layer's local gradient 'relu', 'none' or 'tanh'."""
    x, W2 = p["x"], p["W2"]
    z1 = x @ p["W1"].T + p["b1"]
    h = np.maximum(z1, 0.0)
    z2 = h @ W2.T + p["b2"]
    onehot = np.eye(W2.shape[0])[p["labels"]]
    if output == "softmax":
        e = np.exp(z2 - z2.max(axis=1, keepdims=True))
        prob = e / e.sum(axis=1, keepdims=True)
    else:
        prob = 1 / (1 + np.exp(-z2))
    dz2 = (prob - onehot) / (z2.size if divide_by == "NC" else len(x))
    dh = dz2 @ W2
    dz1 = {"relu": dh * (z1 > 0), "none": dh, "tanh": dh * (1 - h**2)}[local]
    return {"W1": dz1.T @ x, "b1": dz1.sum(0), "W2": dz2.T @ h, "b2": dz2.sum(0)}


def _mistakes(p: dict[str, np.ndarray], name: str) -> list[tuple[np.ndarray, str]]:
    ref = torch_mlp(*_args(p))[name]
    found = [(ref * len(p["x"]), "the loss is the MEAN over the N examples: divide ∂L/∂z by N"),
             (-ref, "the sign is flipped: start from ∂L/∂z = softmax(z) − one-hot, over N"),
             (_by_hand(p, divide_by="NC")[name], "divide by the number of examples N, not by "
              "N·C: each example's cross-entropy already sums over its classes"),
             (_by_hand(p, output="sigmoid")[name], "the output is a softmax over the classes, "
              "not a sigmoid per class: use the gradient you derived in task 3")]
    if name in ("W1", "b1"):
        found.append((_by_hand(p, local="none")[name], "multiply by ReLU's local gradient on "
                      "the way back: a unit that was off passes no gradient"))
        found.append((_by_hand(p, local="tanh")[name], "1 − h² is tanh's local gradient; this "
                      "network's hidden units are ReLUs"))
    if name in ("W1", "W2"):
        found.append((ref.T, "transposed: a gradient has its parameter's shape"))
    return found


def numerical_mlp_gradients(p: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The gradients of `torch_mlp`'s loss by central differences in float64, parameter by
    parameter (a second reference, independent of autograd)."""
    params = {k: np.array(p[k], dtype=np.float64) for k in PARAMS}
    grads = {}
    for name in PARAMS:
        def loss(value: np.ndarray, name: str = name) -> float:
            return torch_mlp(p["x"], p["labels"], *{**params, name: value}.values())["loss"]

        grads[name] = numerical_gradient(loss, params[name].copy())
    return grads


def _case(label: str, p: dict[str, np.ndarray], reference: str = "autograd") -> Case:
    def run(fn: Callable[..., Any]) -> None:
        got = call(fn, *_args(p))
        if isinstance(got, tuple | list) and len(got) == 4:
            got = dict(zip(PARAMS, got, strict=True))
        expect_dict(got, PARAMS, "gradient")
        ref = numerical_mlp_gradients(p) if reference == "numerical" else torch_mlp(*_args(p))
        for name in PARAMS:
            try:
                expect_array(got[name], ref[name], lambda n=name: _mistakes(p, n))
            except CaseFailure as e:
                raise CaseFailure(f"gradient of {name}: {e}") from None

    return Case(label, run)


def check_mlp_backward(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(x, labels, W1, b1, W2, b2) -> {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}`,
    the gradients of the mean softmax cross-entropy, against torch autograd and numerical
    gradients."""
    cases = [
        _case("XOR's shapes: 4 points, 2 inputs, 3 hidden units, 2 classes",
              _problem(31, 4, 2, 3, 2)),
        _case("10 examples, 3 inputs, 4 hidden units, 3 classes: against numerical gradients",
              _problem(32, 10, 3, 4, 3), reference="numerical"),
        _case("7 examples, 5 inputs, 6 hidden units, 4 classes", _problem(33, 7, 5, 6, 4)),
        _case("a single example, 10 classes", _problem(34, 1, 3, 5, 10)),
    ]
    return run_cases("mlp_backward", fn, cases, verbose=verbose)
