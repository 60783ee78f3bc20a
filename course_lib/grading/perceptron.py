"""Checks for the perceptron exercises: hand-set weights for the logic gates, and one step of the
perceptron learning rule.

A gate's weights are right when step(w1·x1 + w2·x2 + b), with step(z) = 1 for z ≥ 0, gives its
truth table (`course_lib.perceptron.GATE_TARGETS`); the learning-rule reference is
`course_lib.perceptron.perceptron_step`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..perceptron import GATE_TARGETS, INPUTS, perceptron_step, step
from .core import Case, CaseFailure, CheckResult, call, expect_array, run_cases

__all__ = ["check_gate_weights", "check_perceptron_step"]


def _truth(outputs: np.ndarray) -> str:
    return ", ".join(f"{tuple(int(v) for v in x)}→{int(o)}" for x, o in zip(INPUTS, outputs,
                                                                             strict=True))


def _gate_case(gate: str) -> Case:
    def run(fn: Callable[..., Any]) -> None:
        got = call(fn, gate)
        if got is None:
            raise CaseFailure("returned None: did you forget the `return` statement?")
        try:
            w1, w2, b = (float(v) for v in got)
        except (TypeError, ValueError):
            raise CaseFailure(f"expected three numbers (w1, w2, b), got {got!r}") from None
        if not all(np.isfinite([w1, w2, b])):
            raise CaseFailure(f"the weights must be finite numbers, got {(w1, w2, b)}")
        outputs = step(INPUTS @ np.array([w1, w2]) + b)
        target = GATE_TARGETS[gate]
        if np.array_equal(outputs, target):
            return
        same_as = [g for g, t in GATE_TARGETS.items() if np.array_equal(outputs, t)]
        what = f"these weights compute {same_as[0]}" if same_as else "these weights give"
        hint = ""
        if gate in ("AND", "OR") and outputs.sum() > target.sum():
            hint = ": too many 1s, lower b (a higher threshold)"
        elif gate in ("AND", "OR") and outputs.sum() < target.sum():
            hint = ": too few 1s, raise b (a lower threshold)"
        elif gate in ("NAND", "NOR") and (w1 > 0 or w2 > 0):
            hint = ": a negated gate needs negative weights (more 1s in x, smaller output)"
        raise CaseFailure(f"{what} ({_truth(outputs)}) but {gate} is {_truth(target)}{hint}")

    return Case(f"{gate}: {_truth(GATE_TARGETS[gate])}", run)


def check_gate_weights(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(gate) -> (w1, w2, b)` for AND, OR, NAND and NOR."""
    return run_cases("gate_weights", fn, [_gate_case(g) for g in ("AND", "OR", "NAND", "NOR")],
                     verbose=verbose)


def _step_case(label: str, w: list[float], b: float, x: list[float], target: int,
               lr: float) -> Case:
    w_arr, x_arr = np.array(w, dtype=np.float64), np.array(x, dtype=np.float64)
    w_arr.setflags(write=False)
    x_arr.setflags(write=False)

    def mistakes() -> list[tuple[np.ndarray, str]]:
        y = int(step(w_arr @ x_arr + b))
        y_strict = int(w_arr @ x_arr + b > 0)
        err = target - y

        def packed(dw: np.ndarray, db: float) -> np.ndarray:
            return np.append(w_arr + dw, b + db)

        return [
            (packed(-lr * err * x_arr, -lr * err), "the update has the wrong sign: "
             "w ← w + lr·(target − y)·x moves the line towards a missed example"),
            (packed(lr * err * x_arr, 0.0), "the bias learns too: b ← b + lr·(target − y)"),
            (packed(lr * (target - y_strict) * x_arr, lr * (target - y_strict)),
             "step(z) is 1 for z ≥ 0, so z = 0 counts as output 1"),
            (packed(lr * target * x_arr, lr * target), "update by the error (target − y), not "
             "by the target: a correct answer must change nothing"),
            (packed(err * x_arr, err), "multiply the update by the learning rate lr"),
        ]

    def run(fn: Callable[..., Any]) -> None:
        got = call(fn, w_arr, b, x_arr, target, lr)
        if not isinstance(got, tuple | list) or len(got) != 2:
            raise CaseFailure(f"expected a pair (new_w, new_b), got {type(got).__name__}")
        new_w, new_b = got
        try:
            packed_got = np.append(np.asarray(new_w, dtype=np.float64), float(new_b))
        except (TypeError, ValueError):
            raise CaseFailure("new_w must be an array like w and new_b a number") from None
        ref_w, ref_b = perceptron_step(w_arr, b, x_arr, target, lr)
        expect_array(packed_got, np.append(ref_w, ref_b), mistakes)

    return Case(label, run)


def check_perceptron_step(fn: Callable[..., Any], verbose: bool = True) -> CheckResult:
    """Check `fn(w, b, x, target, lr) -> (new_w, new_b)`."""
    cases = [
        _step_case("a correct answer changes nothing", [1.0, 1.0], -1.5, [1, 1], 1, 1.0),
        _step_case("a missed 1 (output 0, target 1) moves the line towards x",
                   [0.5, -1.0], -0.2, [1, 0], 1, 1.0),
        _step_case("a false 1 (output 1, target 0), learning rate 0.5, 3 inputs",
                   [0.2, 0.4, -0.1], 0.3, [1, 1, 0], 0, 0.5),
        _step_case("w·x + b = 0 exactly: the output is 1", [1.0, -1.0], 0.0, [2, 2], 0, 0.1),
    ]
    return run_cases("perceptron_step", fn, cases, verbose=verbose)
