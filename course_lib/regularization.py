"""Weight penalties: L1 and L2 terms added to a loss (PyTorch), penalized least squares (NumPy)
to watch them tame an overfitting polynomial, and dropout's ensemble view (averaging thinned
networks). The dropout op itself is `ops.dropout`; weight decay in an optimizer is `TrainConfig`.
References: Hastie, Tibshirani & Friedman, *Elements of Statistical Learning* §3.4; Srivastava et
al. 2014, "Dropout", JMLR 15, §7.5 (Monte-Carlo model averaging).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import torch
from torch import nn

__all__ = [
    "dropout_ensemble",
    "fit_linear",
    "l1_penalty",
    "l2_penalty",
    "linear_cost",
    "polynomial_features",
    "soft_threshold",
    "weight_parameters",
]


def weight_parameters(model: nn.Module) -> list[nn.Parameter]:
    """The parameters a penalty usually covers: weight matrices and kernels (ndim ≥ 2).

    Biases and normalization scales/shifts are left out, the same split as
    `training.build_optimizer` uses for weight decay.
    """
    return [p for p in model.parameters() if p.requires_grad and p.ndim >= 2]


def _params(params: nn.Module | Iterable[torch.Tensor]) -> list[torch.Tensor]:
    return weight_parameters(params) if isinstance(params, nn.Module) else list(params)


def l1_penalty(params: nn.Module | Iterable[torch.Tensor]) -> torch.Tensor:
    """Σ |w| over the given tensors (or a model's `weight_parameters`): a scalar tensor.

    Add λ times it to the loss. Its gradient λ · sign(w) is the same size for small and large
    weights; gradient steps then hover around 0 rather than land on it: exact zeros come from
    solvers that minimize the kink exactly (`soft_threshold`, as coordinate descent does).
    """
    tensors = _params(params)
    if not tensors:
        raise ValueError("l1_penalty got no tensors (a model without weight matrices?)")
    return sum(t.abs().sum() for t in tensors)


def l2_penalty(params: nn.Module | Iterable[torch.Tensor]) -> torch.Tensor:
    """Σ w² over the given tensors (or a model's `weight_parameters`): a scalar tensor.

    Adding (λ/2) · Σ w² to the loss adds λ · w to each gradient: plain SGD's `weight_decay=λ`.
    Large weights are shrunk most; none is pushed exactly to 0.
    """
    tensors = _params(params)
    if not tensors:
        raise ValueError("l2_penalty got no tensors (a model without weight matrices?)")
    return sum(t.pow(2).sum() for t in tensors)


def polynomial_features(x: np.ndarray, degree: int) -> np.ndarray:
    """Columns 1, x, x², …, x^degree of a 1-D input: x (n,) → (n, degree + 1)."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError(f"x must be 1-D, got shape {x.shape}")
    if degree < 0:
        raise ValueError(f"degree must be ≥ 0, got {degree}")
    return x[:, None] ** np.arange(degree + 1)  # (n, degree + 1)


def linear_cost(X: np.ndarray, y: np.ndarray, w: np.ndarray, l1: float = 0.0,
                l2: float = 0.0) -> float:
    """Σ_i (y_i − Σ_j x_ij w_j)² + l1 · Σ_j |w_j| + l2 · Σ_j w_j²: the lecture's cost."""
    residual = y - X @ w
    return float(residual @ residual + l1 * np.abs(w).sum() + l2 * (w @ w))


def soft_threshold(rho: np.ndarray | float, t: float) -> np.ndarray:
    """sign(ρ) · max(|ρ| − t, 0): ρ moved towards 0 by t, and set exactly to 0 within ±t.

    It is the exact minimizer of z·w² − 2ρ·w + λ·|w| (one weight of the L1 cost with the others
    fixed, z = Σ_i x_ij², ρ = Σ_i x_ij · residual_i) scaled by z, with t = λ/2: w = S(ρ, λ/2) / z.
    Coordinate descent applies it weight by weight; this is where L1's exact zeros come from.
    """
    if t < 0:
        raise ValueError(f"the threshold must be ≥ 0, got {t}")
    rho = np.asarray(rho, dtype=np.float64)
    return np.sign(rho) * np.maximum(np.abs(rho) - t, 0.0)


def fit_linear(X: np.ndarray, y: np.ndarray, l1: float = 0.0, l2: float = 0.0,
               tol: float = 1e-12) -> np.ndarray:
    """The weights w (d,) minimizing `linear_cost(X, y, w, l1, l2)`; X: (n, d), y: (n,).

    Without L1 the minimum has a closed form, w = (XᵀX + l2·I)⁻¹ Xᵀy: least squares when
    l2 = 0 (the minimum-norm solution if several fit exactly), ridge regression otherwise. With L1
    there is none; scikit-learn's coordinate descent (`ElasticNet`, run to the duality-gap
    tolerance `tol`) solves it, its objective (1/2n)·Σr² + αρ·Σ|w| + α(1−ρ)/2·Σw² being ours
    divided by 2n. The soft threshold of each coordinate step sets small weights exactly to 0.
    On badly conditioned X (high polynomial powers) a tiny l1 converges slowly: scikit-learn
    then warns (ConvergenceWarning) rather than return a silently inexact answer.
    """
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if X.ndim != 2 or y.shape != X.shape[:1]:
        raise ValueError(f"need X (n, d) and y (n,), got {X.shape} and {y.shape}")
    if l1 < 0 or l2 < 0:
        raise ValueError(f"penalties must be ≥ 0, got l1={l1}, l2={l2}")
    n, d = X.shape
    if l1 == 0:
        if l2 == 0:
            return np.linalg.lstsq(X, y, rcond=None)[0]
        return np.linalg.solve(X.T @ X + l2 * np.eye(d), X.T @ y)
    from sklearn.linear_model import ElasticNet  # imported here: only this branch needs it

    alpha = l1 / (2 * n) + l2 / n
    model = ElasticNet(alpha=alpha, l1_ratio=l1 / (2 * n) / alpha, fit_intercept=False,
                       max_iter=1_000_000, tol=tol)
    return model.fit(X, y).coef_.astype(np.float64)


def dropout_ensemble(model: nn.Module, x: torch.Tensor, samples: int = 50,
                     seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Class probabilities from dropout's two views of the same trained network.

    Returns (averaged, scaled): `averaged` is the mean softmax of `samples` forward passes in
    training mode, each with a fresh dropout mask (an ensemble of thinned networks);
    `scaled` is one pass in evaluation mode (every unit, weights as trained), the cheap
    approximation dropout uses at test time. x: (N, ...) → both (N, num_classes). The model's
    mode is restored; BatchNorm layers stay in evaluation mode throughout.
    """
    if samples < 1:
        raise ValueError(f"samples must be ≥ 1, got {samples}")
    was_training = model.training
    generator_state = torch.get_rng_state()
    torch.manual_seed(seed)
    try:
        with torch.no_grad():
            model.eval()
            scaled = model(x).softmax(dim=1)
            for m in model.modules():  # switch only the dropout layers back to training
                if isinstance(m, nn.Dropout | nn.Dropout1d | nn.Dropout2d):
                    m.train()
            averaged = sum(model(x).softmax(dim=1) for _ in range(samples)) / samples
    finally:
        model.train(was_training)
        torch.set_rng_state(generator_state)
    return averaged, scaled
