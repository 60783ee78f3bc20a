"""A computational graph of scalars with reverse-mode backpropagation, after Karpathy's micrograd:
each `Value` remembers its inputs and the local derivative towards each; `backward` visits nodes
from the output back and adds upstream × local gradient to each input (the chain rule).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from matplotlib.figure import Figure

__all__ = ["BackpropStep", "Value", "backprop_steps", "draw_graph"]


class Value:
    """A scalar node: `data` (forward value), `grad` (∂output/∂self after `backward`), and for a
    computed node its `op` and `inputs` with the local derivatives ∂self/∂input."""

    def __init__(self, data: float, label: str = "", _inputs: tuple[Value, ...] = (),
                 _local: tuple[float, ...] = (), op: str = "") -> None:
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self.op = op  # "" for a leaf (an input or a parameter)
        self.inputs = _inputs
        self.local = _local  # ∂self/∂inputs[i], known as soon as the forward value is

    def __repr__(self) -> str:
        name = f"{self.label}=" if self.label else ""
        return f"Value({name}{self.data:.4g}, grad={self.grad:.4g})"

    @staticmethod
    def _wrap(other: Value | float) -> Value:
        return other if isinstance(other, Value) else Value(other, label=f"{other:g}")

    def __add__(self, other: Value | float) -> Value:
        other = self._wrap(other)
        return Value(self.data + other.data, "", (self, other), (1.0, 1.0), "+")

    def __mul__(self, other: Value | float) -> Value:
        other = self._wrap(other)
        return Value(self.data * other.data, "", (self, other), (other.data, self.data), "×")

    __radd__ = __add__
    __rmul__ = __mul__

    def __neg__(self) -> Value:
        return self * -1.0

    def __sub__(self, other: Value | float) -> Value:
        return self + (-self._wrap(other))

    def __rsub__(self, other: float) -> Value:
        return self._wrap(other) + (-self)

    def exp(self) -> Value:
        e = math.exp(self.data)
        return Value(e, "", (self,), (e,), "exp")

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return Value(t, "", (self,), (1.0 - t * t,), "tanh")

    def sigmoid(self) -> Value:
        s = 1.0 / (1.0 + math.exp(-self.data))
        return Value(s, "", (self,), (s * (1.0 - s),), "σ")

    def relu(self) -> Value:
        return Value(max(self.data, 0.0), "", (self,), (float(self.data > 0),), "ReLU")

    def named(self, label: str) -> Value:
        """Set the label shown in tables and drawings; returns self, for chaining."""
        self.label = label
        return self

    def nodes(self) -> list[Value]:
        """Every node this one depends on, itself included, inputs before the nodes using them."""
        order: list[Value] = []
        seen: set[int] = set()

        def visit(v: Value) -> None:
            if id(v) not in seen:
                seen.add(id(v))
                for u in v.inputs:
                    visit(u)
                order.append(v)

        visit(self)
        return order

    def backward(self) -> None:
        """Fill `grad` of every node with ∂self/∂node: seed 1 at self, then, from the output
        back, add upstream × local to each input (a node used twice gets both contributions)."""
        order = self.nodes()
        for v in order:
            v.grad = 0.0
        self.grad = 1.0
        for v in reversed(order):
            for u, local in zip(v.inputs, v.local, strict=True):
                u.grad += v.grad * local


@dataclass
class BackpropStep:
    """One multiplication of the backward pass: downstream = upstream × local."""

    node: str  # the node whose gradient flows back ("z = x × y")
    to: str  # the input receiving it
    upstream: float  # ∂out/∂node
    local: float  # ∂node/∂input
    downstream: float  # upstream × local: this path's share of ∂out/∂input


def _fmt(x: float) -> str:
    return f"{x + 0.0:.4g}"  # + 0.0 turns −0 into 0


def _name(v: Value, names: dict[int, str]) -> str:
    return v.label or names.setdefault(id(v), f"n{len(names) + 1}")


def backprop_steps(output: Value) -> list[BackpropStep]:
    """The backward pass of `output` (after `output.backward()`) as a list of chain-rule steps,
    in the order they happen: from the output back to the leaves."""
    names: dict[int, str] = {}
    steps = []
    for v in reversed(output.nodes()):
        for u, local in zip(v.inputs, v.local, strict=True):
            steps.append(BackpropStep(f"{_name(v, names)} ({v.op})", _name(u, names), v.grad,
                                      local, v.grad * local))
    return steps


def draw_graph(output: Value, figsize: tuple[float, float] = (11, 4)) -> Figure:
    """The graph of `output` from left (leaves) to right (output): each node shows its name, value
    (black, forward) and gradient (red, backward); each edge its local derivative."""
    order = output.nodes()
    names: dict[int, str] = {}
    depth: dict[int, int] = {}
    for v in order:  # longest path from a leaf: inputs are placed before the nodes using them
        depth[id(v)] = 1 + max((depth[id(u)] for u in v.inputs), default=-1)
    for v in reversed(order):  # a leaf sits just left of its first user: short edges
        for u in v.inputs:
            if not u.inputs:
                depth[id(u)] = min(depth[id(u)] or depth[id(v)] - 1, depth[id(v)] - 1)
    columns: dict[int, list[Value]] = {}
    for v in order:
        columns.setdefault(depth[id(v)], []).append(v)
    pos = {id(v): (d, (len(col) - 1) / 2 - k) for d, col in columns.items()
           for k, v in enumerate(col)}
    fig = Figure(figsize=figsize, layout="constrained")
    ax = fig.subplots()
    for v in order:
        x1, y1 = pos[id(v)]
        for u, local in zip(v.inputs, v.local, strict=True):
            x0, y0 = pos[id(u)]
            ax.annotate("", (x1 - 0.22, y1), (x0 + 0.22, y0),
                        arrowprops={"arrowstyle": "->", "color": "0.5"})
            ax.text((x0 + x1) / 2, (y0 + y1) / 2 + 0.08, f"local {_fmt(local)}", fontsize=7,
                    color="tab:blue", ha="center")
        title = _name(v, names) + (f" = {v.op}" if v.op else "")
        ax.text(x1, y1, f"{title}\n{_fmt(v.data)}", ha="center", va="center", fontsize=9,
                bbox={"boxstyle": "round", "facecolor": "0.95", "edgecolor": "0.4"})
        ax.text(x1, y1 - 0.24, f"grad {_fmt(v.grad)}", ha="center", va="top", fontsize=8,
                color="tab:red")
    ax.set_xlim(-0.5, max(columns) + 0.5)
    ys = [p[1] for p in pos.values()]
    ax.set_ylim(min(ys) - 0.6, max(ys) + 0.4)
    ax.set_axis_off()
    return fig
