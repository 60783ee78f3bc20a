"""A two-layer perceptron in NumPy with hand-written backpropagation: tanh hidden layer, sigmoid
output, binary cross-entropy, full-batch gradient descent (what the XOR network of chapter 02
trains with). Weights use PyTorch's nn.Linear layout, so every step can be checked against torch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "TrainTrace",
    "backward",
    "bce_loss",
    "forward",
    "init_params",
    "predict_proba",
    "train_gd",
]

Params = dict[str, np.ndarray]


def init_params(in_features: int, hidden: int, out_features: int = 1, seed: int = 0) -> Params:
    """Glorot-uniform weights, zero biases (Glorot & Bengio 2010, the usual choice for tanh).

    W1: (hidden, in_features), b1: (hidden,), W2: (out_features, hidden), b2: (out_features,).
    """
    if hidden < 1:
        raise ValueError(f"hidden must be at least 1, got {hidden}")
    rng = np.random.default_rng(seed)

    def glorot(fan_out: int, fan_in: int) -> np.ndarray:
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, size=(fan_out, fan_in))

    return {"W1": glorot(hidden, in_features), "b1": np.zeros(hidden),
            "W2": glorot(out_features, hidden), "b2": np.zeros(out_features)}


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # 1 / (1 + e^−z) written with e^{−|z|} ≤ 1, so large |z| neither overflows nor warns.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def forward(x: np.ndarray, params: Params) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """p = σ(tanh(x W1ᵀ + b1) W2ᵀ + b2). x: (N, D) → probabilities (N, O), plus the cache of
    intermediate values that `backward` needs."""
    x = np.asarray(x, dtype=np.float64)
    z1 = x @ params["W1"].T + params["b1"]  # (N, H)
    h = np.tanh(z1)  # (N, H)
    z2 = h @ params["W2"].T + params["b2"]  # (N, O)
    return _sigmoid(z2), {"x": x, "h": h, "z2": z2, "W2": params["W2"]}


def predict_proba(x: np.ndarray, params: Params) -> np.ndarray:
    """The network's probability of class 1: x (N, D) → (N,) for one output unit, else (N, O)."""
    p = forward(x, params)[0]
    return p[:, 0] if p.shape[1] == 1 else p


def bce_loss(z2: np.ndarray, y: np.ndarray) -> float:
    """Mean binary cross-entropy −[y log σ(z) + (1 − y) log(1 − σ(z))] from the logits z2: (N, O),
    computed as softplus(z) − y·z, which is exact for any z. y: (N, O) or (N,) in {0, 1}."""
    z2 = np.asarray(z2, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).reshape(z2.shape)
    return float(np.mean(np.logaddexp(0.0, z2) - y * z2))


def backward(cache: dict[str, np.ndarray], y: np.ndarray) -> Params:
    """Gradients of `bce_loss` with respect to W1, b1, W2, b2, by the chain rule, layer by layer:
    each downstream gradient is the upstream gradient times the local one."""
    x, h, z2, W2 = cache["x"], cache["h"], cache["z2"], cache["W2"]
    y = np.asarray(y, dtype=np.float64).reshape(z2.shape)
    dz2 = (_sigmoid(z2) - y) / z2.size  # (N, O): σ and cross-entropy together: (p − y) / count
    dW2 = dz2.T @ h  # (O, H)
    db2 = dz2.sum(axis=0)  # (O,)
    dh = dz2 @ W2  # (N, H): upstream of the hidden layer
    dz1 = dh * (1.0 - h**2)  # (N, H): tanh'(z) = 1 − tanh(z)²
    dW1 = dz1.T @ x  # (H, D)
    db1 = dz1.sum(axis=0)  # (H,)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


@dataclass
class TrainTrace:
    """What `train_gd` returns: the loss at every step and snapshots of the parameters."""

    params: Params  # the final parameters
    losses: list[float] = field(default_factory=list)  # loss before step 1, …, after the last
    snapshots: dict[int, Params] = field(default_factory=dict)  # step → parameters after it


def train_gd(
    x: np.ndarray,
    y: np.ndarray,
    hidden: int = 2,
    lr: float = 1.0,
    steps: int = 1000,
    seed: int = 0,
    snapshot_steps: tuple[int, ...] = (),
) -> TrainTrace:
    """Full-batch gradient descent on `bce_loss`: `steps` updates θ ← θ − lr·∂L/∂θ from
    `init_params(D, hidden, O, seed)`. x: (N, D), y: (N,) or (N, O) in {0, 1}.

    `snapshot_steps` lists the steps (0 = before training) whose parameters are kept.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    y2 = y.reshape(len(x), -1)
    params = init_params(x.shape[1], hidden, y2.shape[1], seed)
    trace = TrainTrace(params)
    wanted = set(snapshot_steps)
    for t in range(steps + 1):
        _, cache = forward(x, params)
        trace.losses.append(bce_loss(cache["z2"], y2))
        if t in wanted:
            trace.snapshots[t] = {k: v.copy() for k, v in params.items()}
        if t == steps:
            break
        grads = backward(cache, y2)
        params = {k: params[k] - lr * grads[k] for k in params}
    trace.params = params
    return trace
