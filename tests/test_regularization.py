"""course_lib.regularization: L1/L2 penalties (and that SGD's weight_decay is the L2 gradient),
and penalized least squares checked against scikit-learn and the optimality conditions."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.linear_model import Ridge

from course_lib.regularization import (
    fit_linear,
    l1_penalty,
    l2_penalty,
    linear_cost,
    polynomial_features,
    soft_threshold,
    weight_parameters,
)


def test_penalties_on_a_worked_example_and_a_model():
    w = [torch.tensor([[1.0, -2.0], [3.0, 0.0]]), torch.tensor([-1.0, 0.5])]
    assert l1_penalty(w).item() == pytest.approx(7.5)
    assert l2_penalty(w).item() == pytest.approx(15.25)
    model = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2),
                                torch.nn.Linear(2, 1))
    assert [p.shape for p in weight_parameters(model)] == [(2, 3), (1, 2)]  # no biases, no BN
    expected = sum(m.weight.abs().sum() for m in model if isinstance(m, torch.nn.Linear))
    assert l1_penalty(model).item() == pytest.approx(expected.item())
    with pytest.raises(ValueError, match="no tensors"):
        l2_penalty(torch.nn.ReLU())


def test_sgd_weight_decay_is_the_gradient_of_half_the_l2_penalty():
    torch.manual_seed(0)
    x, y = torch.randn(16, 4), torch.randn(16, 1)
    a, b = torch.nn.Linear(4, 1, bias=False), torch.nn.Linear(4, 1, bias=False)
    b.load_state_dict(a.state_dict())
    lam, lr = 0.1, 0.5
    opt_a = torch.optim.SGD(a.parameters(), lr=lr, weight_decay=lam)
    torch.nn.functional.mse_loss(a(x), y).backward()
    opt_a.step()
    opt_b = torch.optim.SGD(b.parameters(), lr=lr)
    (torch.nn.functional.mse_loss(b(x), y) + lam / 2 * l2_penalty(b)).backward()
    opt_b.step()
    torch.testing.assert_close(a.weight, b.weight, rtol=0, atol=1e-7)


def test_polynomial_features():
    np.testing.assert_array_equal(polynomial_features(np.array([2.0, 3.0]), 3),
                                  [[1, 2, 4, 8], [1, 3, 9, 27]])
    with pytest.raises(ValueError, match="1-D"):
        polynomial_features(np.zeros((2, 2)), 2)


def _data():
    rng = np.random.default_rng(0)
    x = np.linspace(0, 1, 10)
    return polynomial_features(x, 9), np.sin(2 * np.pi * x) + rng.normal(0, 0.2, 10)


def test_least_squares_interpolates_with_huge_weights_and_ridge_matches_sklearn():
    X, y = _data()
    w = fit_linear(X, y)
    assert linear_cost(X, y, w) < 1e-12  # degree 9 through 10 points: an exact fit ...
    assert np.abs(w).max() > 1e4  # ... with enormous, cancelling weights (overfitting)
    ridge = fit_linear(X, y, l2=1e-3)
    reference = Ridge(alpha=1e-3, fit_intercept=False, solver="cholesky").fit(X, y).coef_
    np.testing.assert_allclose(ridge, reference, rtol=1e-6, atol=1e-8)
    assert np.abs(ridge).max() < 50


@pytest.mark.parametrize("l1,l2", [(0.01, 0.0), (0.1, 0.0), (0.05, 0.01)])
def test_l1_solution_satisfies_the_optimality_conditions(l1, l2):
    X, y = _data()
    w = fit_linear(X, y, l1=l1, l2=l2)
    # Subgradient conditions of Σr² + l1·Σ|w| + l2·Σw²: with g = 2Xᵀ(y − Xw) − 2·l2·w,
    # g_j = l1·sign(w_j) where w_j ≠ 0 and |g_j| ≤ l1 where w_j = 0.
    g = 2 * X.T @ (y - X @ w) - 2 * l2 * w
    nonzero = w != 0
    np.testing.assert_allclose(g[nonzero], l1 * np.sign(w[nonzero]), atol=2e-3 * l1 + 1e-6)
    assert np.all(np.abs(g[~nonzero]) <= l1 * (1 + 1e-3))
    assert (~nonzero).sum() >= 3  # L1 sets weights exactly to zero
    # Nothing nearby is better: the cost rises in every coordinate direction.
    base = linear_cost(X, y, w, l1, l2)
    for j in range(len(w)):
        for step in (1e-3, -1e-3):
            v = w.copy()
            v[j] += step
            assert linear_cost(X, y, v, l1, l2) >= base - 1e-9


def test_fit_linear_rejects_bad_input():
    with pytest.raises(ValueError, match="penalties"):
        fit_linear(np.eye(2), np.ones(2), l1=-1)
    with pytest.raises(ValueError, match="need X"):
        fit_linear(np.ones(3), np.ones(3))


def test_dropout_ensemble_views_and_mode_restored():
    from course_lib.models import MLP
    from course_lib.regularization import dropout_ensemble

    torch.manual_seed(0)
    model = MLP(6, (32,), 3, dropout=0.5, batch_norm=True)
    model.train()
    x = torch.randn(20, 6)
    model(x)  # one training step's BN statistics
    averaged, scaled = dropout_ensemble(model, x, samples=200)
    assert model.training  # mode restored
    torch.testing.assert_close(averaged.sum(1), torch.ones(20))
    model.eval()
    with torch.no_grad():
        torch.testing.assert_close(scaled, model(x).softmax(1))  # eval view = plain eval pass
    assert (averaged - scaled).abs().max() < 0.2  # weight scaling approximates the average
    again, _ = dropout_ensemble(model, x, samples=200)
    torch.testing.assert_close(again, averaged)  # seeded
    no_dropout = MLP(6, (8,), 3)
    a, s = dropout_ensemble(no_dropout, x, samples=3)
    torch.testing.assert_close(a, s)  # nothing random: both views agree
    with pytest.raises(ValueError, match="samples"):
        dropout_ensemble(model, x, samples=0)


def test_soft_threshold_is_the_exact_one_weight_minimizer_of_the_l1_cost():
    np.testing.assert_array_equal(soft_threshold([-3.0, -0.5, 0.0, 0.4, 2.0], 1.0),
                                  [-2.0, 0.0, 0.0, 0.0, 1.0])
    # One weight, the others fixed: z·w² − 2ρ·w + λ|w| is smallest at S(ρ, λ/2) / z.
    grid = np.linspace(-5, 5, 1_000_001)
    for z, rho, lam in [(2.0, 1.5, 1.0), (1.0, 0.3, 1.0), (0.5, -2.0, 0.4)]:
        best = grid[np.argmin(z * grid**2 - 2 * rho * grid + lam * np.abs(grid))]
        assert float(soft_threshold(rho, lam / 2)) / z == pytest.approx(best, abs=2e-5)
    assert float(soft_threshold(0.3, 0.5)) == 0.0  # |ρ| ≤ λ/2: exactly zero, not just small
    with pytest.raises(ValueError, match="≥ 0"):
        soft_threshold(1.0, -0.1)
