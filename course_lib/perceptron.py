"""The perceptron (Rosenblatt 1958): a linear unit with a step activation, its learning rule
w ← w + η (t − y) x, the two-input logic gates as truth tables and as hand-set weights, and
two-layer networks of gates. NumPy only; trained multi-layer networks are `two_layer_net.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "GATE_TARGETS",
    "GATE_WEIGHTS",
    "INPUTS",
    "PerceptronRun",
    "gate_network",
    "perceptron",
    "perceptron_step",
    "step",
    "train_perceptron",
    "truth_table",
]

# The four input pairs (x1, x2) in the order of the lecture notes' tables.
INPUTS = np.array([[0, 0], [1, 0], [0, 1], [1, 1]])

# Each gate's output for the rows of INPUTS.
GATE_TARGETS: dict[str, np.ndarray] = {
    "AND": np.array([0, 0, 0, 1]),
    "OR": np.array([0, 1, 1, 1]),
    "NAND": np.array([1, 1, 1, 0]),
    "NOR": np.array([1, 0, 0, 0]),
    "XOR": np.array([0, 1, 1, 0]),
    "XNOR": np.array([1, 0, 0, 1]),
}

# Hand-set (w1, w2, b) for the gates one perceptron can compute: the line w·x + b = 0 puts the
# 1-rows on its positive side. XOR and XNOR have no such weights (see train_perceptron).
GATE_WEIGHTS: dict[str, tuple[float, float, float]] = {
    "AND": (1.0, 1.0, -1.5),
    "OR": (1.0, 1.0, -0.5),
    "NAND": (-1.0, -1.0, 1.5),
    "NOR": (-1.0, -1.0, 0.5),
}


def step(z: np.ndarray) -> np.ndarray:
    """The perceptron's activation: 1 where z ≥ 0, else 0 (ints, the shape of z)."""
    return (np.asarray(z) >= 0).astype(np.int64)


def perceptron(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """Outputs step(x · w + b) of one perceptron. x: (N, D), w: (D,) → (N,) in {0, 1}."""
    return step(np.asarray(x) @ np.asarray(w) + b)


def perceptron_step(
    w: np.ndarray, b: float, x: np.ndarray, target: int, lr: float = 1.0
) -> tuple[np.ndarray, float]:
    """One update of the perceptron learning rule on the example (x, target).

    w: (D,), x: (D,). y = step(w·x + b); w ← w + lr·(target − y)·x, b ← b + lr·(target − y).
    A correct answer changes nothing; a wrong one moves the line towards the example's side.
    """
    error = target - int(step(np.dot(w, x) + b))
    return np.asarray(w, dtype=np.float64) + lr * error * np.asarray(x), float(b + lr * error)


@dataclass
class PerceptronRun:
    """The result of `train_perceptron`."""

    w: np.ndarray  # final weights (D,)
    b: float  # final bias
    errors: list[int] = field(default_factory=list)  # misclassified examples in each epoch
    path: list[tuple[np.ndarray, float]] = field(default_factory=list)  # (w, b) after each epoch

    @property
    def converged(self) -> bool:
        """True when the last epoch made no mistake (so the weights stopped changing)."""
        return bool(self.errors) and self.errors[-1] == 0


def train_perceptron(
    x: np.ndarray,
    targets: np.ndarray,
    lr: float = 1.0,
    epochs: int = 20,
    w0: Sequence[float] | None = None,
    b0: float = 0.0,
) -> PerceptronRun:
    """Rosenblatt's rule: visit the examples in order, `perceptron_step` on each, for at most
    `epochs` passes; stop after the first pass without a mistake.

    x: (N, D), targets: (N,) in {0, 1}. The perceptron convergence theorem guarantees a stop when
    a separating line exists (AND, OR, …); for XOR none exists and the weights cycle forever.
    """
    x, targets = np.asarray(x, dtype=np.float64), np.asarray(targets)
    w = np.zeros(x.shape[1]) if w0 is None else np.asarray(w0, dtype=np.float64)
    b = float(b0)
    run = PerceptronRun(w, b)
    for _ in range(epochs):
        mistakes = 0
        for xi, ti in zip(x, targets, strict=True):
            mistakes += int(int(step(np.dot(w, xi) + b)) != int(ti))
            w, b = perceptron_step(w, b, xi, int(ti), lr)
        run.errors.append(mistakes)
        run.path.append((w.copy(), b))
        if mistakes == 0:
            break
    run.w, run.b = w, b
    return run


def gate_network(
    x: np.ndarray, hidden: Sequence[str] = ("AND", "NOR"), output: str = "OR"
) -> tuple[np.ndarray, np.ndarray]:
    """A two-layer network of hand-set perceptrons: each hidden unit is the gate named in
    `hidden` applied to x, the output unit is the gate `output` applied to the hidden units.

    x: (N, 2) → (hidden activations (N, len(hidden)), outputs (N,)). The output gate must take
    two inputs, so `hidden` names two gates.
    """
    if len(hidden) != 2:
        raise ValueError(f"the output gate takes two inputs: give two hidden gates, got {hidden}")
    unknown = [g for g in (*hidden, output) if g not in GATE_WEIGHTS]
    if unknown:
        raise ValueError(f"no single-perceptron weights for {unknown}: choose from "
                         f"{sorted(GATE_WEIGHTS)}")
    a = np.stack([perceptron(x, GATE_WEIGHTS[g][:2], GATE_WEIGHTS[g][2]) for g in hidden], 1)
    w = GATE_WEIGHTS[output]
    return a, perceptron(a, w[:2], w[2])


def truth_table(columns: dict[str, np.ndarray]) -> str:
    """A text table with one column per entry (name → (N,) values), rows in INPUTS order."""
    names = list(columns)
    values = [np.asarray(columns[n]) for n in names]
    widths = [max(len(n), 2) for n in names]
    lines = [" | ".join(n.rjust(w) for n, w in zip(names, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    for i in range(len(values[0])):
        lines.append(" | ".join(f"{int(v[i]):>{w}d}" for v, w in zip(values, widths, strict=True)))
    return "\n".join(lines)
