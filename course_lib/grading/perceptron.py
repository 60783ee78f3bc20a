"""Checks for the perceptron exercises: hand-set weights of a 2-2-1 ReLU network that computes XOR
exactly (a design), and predictions about the perceptron learning rule (how many updates it makes,
how the learning rate changes that, on which data sets it stops).

The truth tables are `course_lib.perceptron` (INPUTS, GATE_TARGETS); the predictions' references
are computed by running `course_lib.perceptron.train_perceptron`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..perceptron import GATE_TARGETS, INPUTS, train_perceptron
from .answers import answer_case
from .core import Case, CaseFailure, CheckResult, call, expect_int, run_cases

__all__ = [
    "SEPARABILITY_DATASETS",
    "check_perceptron_predictions",
    "check_xor_relu_weights",
    "perceptron_predictions_reference",
]

# ----------------------------------------------------------------------- XOR with ReLU units

XOR = GATE_TARGETS["XOR"]
SHAPES = {"W1": (2, 2), "b1": (2,), "W2": (1, 2), "b2": (1,)}


def relu_net(x: np.ndarray, W1: np.ndarray, b1: np.ndarray, W2: np.ndarray,
             b2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(hidden pre-activations (N, 2), outputs (N,)) of y = relu(x W1ᵀ + b1) W2ᵀ + b2."""
    z1 = np.asarray(x, dtype=np.float64) @ W1.T + b1
    return z1, (np.maximum(z1, 0.0) @ W2.T + b2)[:, 0]


def _weights(got: Any) -> dict[str, np.ndarray]:
    """The learner's (W1, b1, W2, b2) as float arrays of the right shapes, or CaseFailure."""
    if got is None:
        raise CaseFailure("returned None: did you forget the `return` statement?")
    if isinstance(got, dict):
        got = tuple(got.get(k) for k in SHAPES)
    if not isinstance(got, tuple | list) or len(got) != 4:
        raise CaseFailure(f"expected four arrays (W1, b1, W2, b2), got {type(got).__name__}"
                          + (f" of length {len(got)}" if isinstance(got, tuple | list) else ""))
    weights = {}
    for (name, shape), value in zip(SHAPES.items(), got, strict=True):
        try:
            a = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise CaseFailure(f"{name} is not an array of numbers: {value!r}") from None
        if a.shape != shape:
            raise CaseFailure(f"{name} must have shape {shape} (laid out as in nn.Linear: "
                              f"W (outputs, inputs)), got {a.shape}")
        if not np.isfinite(a).all():
            raise CaseFailure(f"{name} holds NaN or inf")
        weights[name] = a
    return weights


def _xor_shapes_case() -> Case:
    def run(fn: Callable[..., Any]) -> None:
        _weights(call(fn))

    return Case("shapes: W1 (2, 2), b1 (2,), W2 (1, 2), b2 (1,)", run)


def _xor_outputs_case() -> Case:
    def run(fn: Callable[..., Any]) -> None:
        w = _weights(call(fn))
        z1, y = relu_net(INPUTS, **w)
        if np.allclose(y, XOR, atol=1e-6):
            return
        shown = ", ".join(f"{tuple(int(v) for v in x)}→{o:.3g}" for x, o in zip(INPUTS, y,
                                                                                  strict=True))
        active = z1 > 0
        if all(active[:, j].all() or not active[:, j].any() for j in range(2)):
            raise CaseFailure(f"the outputs are {shown}. Each hidden unit is on at all four "
                              "inputs or off at all four, so on them the network is a linear "
                              "function, and no linear function gives 0, 1, 1, 0: place a unit's "
                              "line so that it switches off at some inputs and not at others")
        if np.allclose(y, 1 - XOR, atol=1e-6):
            raise CaseFailure(f"the outputs are {shown}: that is XNOR, 1 where XOR is 0")
        spread = y[XOR == 1].min() - y[XOR == 0].max()
        if np.ptp(y[XOR == 1]) < 1e-6 and np.ptp(y[XOR == 0]) < 1e-6 and abs(spread) > 1e-6:
            raise CaseFailure(f"the outputs are {shown}: the two classes are apart, but the "
                              "task asks for exactly 0 and 1; rescale and shift with W2 and b2")
        # Could some output layer finish the job on this hidden layer? Least squares says.
        hidden = np.c_[np.maximum(z1, 0.0), np.ones(len(z1))]
        fit = hidden @ np.linalg.lstsq(hidden, XOR.astype(float), rcond=None)[0]
        if np.allclose(fit, XOR, atol=1e-6):
            where = ("the hidden layer is fine: some W2 and b2 map its outputs to 0, 1, 1, 0; "
                     "fix the output layer")
        else:
            where = ("no W2 and b2 can turn this hidden layer into XOR: the two units must "
                     "tell (1, 1) apart from (1, 0) and (0, 1) in a way a straight line can "
                     "use; change W1 or b1")
        raise CaseFailure(f"the outputs are {shown}, but XOR is (0, 0)→0, (1, 0)→1, (0, 1)→1, "
                          f"(1, 1)→0: {where}")

    return Case("outputs exactly 0, 1, 1, 0 on (0, 0), (1, 0), (0, 1), (1, 1)", run, points=2)


def check_xor_relu_weights(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn() -> (W1, b1, W2, b2)`: a 2-2-1 network y = relu(x W1ᵀ + b1) W2ᵀ + b2 that
    outputs XOR exactly on the four inputs."""
    return run_cases("xor_relu_weights", fn, [_xor_shapes_case(), _xor_outputs_case()],
                     verbose=verbose)


# ------------------------------------------------------- predictions about the learning rule


def _frozen(a: list) -> np.ndarray:
    arr = np.array(a)
    arr.setflags(write=False)
    return arr


# name → (inputs (N, D), targets (N,)), as the exercise shows them.
SEPARABILITY_DATASETS: dict[str, tuple[np.ndarray, np.ndarray]] = {
    "A": (_frozen([[0], [1], [2], [3]]), _frozen([0, 0, 1, 1])),
    "B": (_frozen([[0], [1], [2]]), _frozen([0, 1, 0])),
    "C": (_frozen([[0, 0], [1, 0], [0, 1], [1, 1]]), _frozen([0, 1, 0, 0])),
    "D": (_frozen([[0, 0, 0], [1, 0, 0], [0, 1, 0], [1, 1, 1]]), _frozen([0, 1, 1, 0])),
}
QUARTER = 0.25  # the smaller learning rate of the second question


def _updates(lr: float) -> int:
    return sum(train_perceptron(INPUTS, GATE_TARGETS["OR"], lr=lr, epochs=100).errors)


def perceptron_predictions_reference() -> dict[str, Any]:
    """The answers, by running the rule: updates on OR from zero (lr 1 and 0.25), and the data
    sets of SEPARABILITY_DATASETS on which it stops within 100 passes."""
    return {"or_updates": _updates(1.0), "or_updates_lr_quarter": _updates(QUARTER),
            "separable": {name for name, (x, t) in SEPARABILITY_DATASETS.items()
                          if train_perceptron(x, t, epochs=100).converged}}


def _expect_prediction(got: Any, expected: int, mistakes: list[tuple[int, str]],
                       otherwise: str) -> None:
    """Like expect_int, but a wrong prediction's message never states the right answer."""
    if got is None or isinstance(got, bool) or not isinstance(got, int | np.integer):
        expect_int(got, expected)  # not an int at all: its message names the type only
    elif int(got) != expected:
        hint = next((m for alt, m in mistakes if alt == int(got)), otherwise)
        raise CaseFailure(f"{int(got)} is not it: {hint}")


def _or_updates_case() -> Case:
    def grade(got: Any) -> None:
        passes = len(train_perceptron(INPUTS, GATE_TARGETS["OR"], epochs=100).errors)
        _expect_prediction(got, _updates(1.0), [
            (passes, "that is the number of passes over the table; count the updates (each "
                     "mistake is one update)"),
            (passes - 1, "that is the number of passes that made a mistake; a pass can make "
                         "more than one"),
            (sum(train_perceptron(INPUTS, GATE_TARGETS["AND"], epochs=100).errors),
             "that is AND's count from the chapter; trace OR row by row"),
        ], "trace the rule row by row, writing down w, b, w·x + b and y, and remember that "
           "step(0) = 1")

    return answer_case("updates of the rule on OR, from zero, learning rate 1", "or_updates",
                       grade)


def _lr_case() -> Case:
    def grade(got: Any) -> None:
        ones = _updates(1.0)
        hint = ("a smaller step does not mean more updates here: starting from w = 0, b = 0, "
                "compare w·x + b in the two runs after the same updates")
        _expect_prediction(got, _updates(QUARTER),
                           [(round(ones / QUARTER), hint), (2 * ones, hint)],
                           "trace the first few rows with lr = 0.25 next to your lr = 1 trace")

    return answer_case("the same with learning rate 0.25", "or_updates_lr_quarter", grade)


def _separable_case() -> Case:
    def grade(got: Any) -> None:
        # A list, not a set: the grader receives the answer as plain data, and sets are not.
        if not isinstance(got, list | tuple) or not all(isinstance(n, str) for n in got):
            raise CaseFailure(f"'separable' must be a list of data-set names such as ['A', 'B'], "
                              f"got {got!r}")
        names = set(got)
        unknown = sorted(str(n) for n in names - set(SEPARABILITY_DATASETS))
        if unknown:
            raise CaseFailure(f"unknown data sets {unknown}: the names are "
                              f"{sorted(SEPARABILITY_DATASETS)}")
        expected = perceptron_predictions_reference()["separable"]
        why = {"A": "on a line, is there a threshold with all the 0s below it and the 1s above?",
               "B": "on a line, one threshold puts a single boundary between 0s and 1s; how "
                    "many boundaries do B's labels need?",
               "C": "a single corner of the square can always be cut off by a line",
               "D": "XOR with a third input x3 = x1·x2: in 3-D, can a plane put (1, 1, 1) on "
                    "the 0 side while (1, 0, 0) and (0, 1, 0) stay on the 1 side?"}
        wrong = sorted(names ^ expected)
        if wrong:
            raise CaseFailure(f"{len(wrong)} of the 4 answers {'is' if len(wrong) == 1 else 'are'}"
                              " wrong. " + " ".join(f"{n}: {why[n]}" for n in wrong))

    return answer_case("on which data sets the rule stops", "separable", grade)


def check_perceptron_predictions(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn() -> {"or_updates": int, "or_updates_lr_quarter": int, "separable": [names]}`."""
    return run_cases("perceptron_predictions", fn,
                     [_or_updates_case(), _lr_case(), _separable_case()], verbose=verbose)
