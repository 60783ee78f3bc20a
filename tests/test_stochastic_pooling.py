"""Stochastic pooling: inference is Σ p_i a_i, training draws element i with p_i = a_i / Σ a_k
(checked with a chi-square test on many draws), gradients reach the drawn element only."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy import stats

from course_lib.ops import avg_pool2d, max_pool2d
from course_lib.stochastic_pooling import StochasticPool2d, stochastic_pool2d, window_probabilities

X = torch.tensor([[1, 1, 2, 3], [4, 6, 6, 8], [3, 1, 1, 0], [1, 2, 2, 4]], dtype=torch.float64)


def test_inference_is_the_probability_weighted_sum():
    out = stochastic_pool2d(X[None, None], 2, training=False)[0, 0]
    # Windows [1,1,4,6], [2,3,6,8], [3,1,1,2], [1,0,2,4]: Σ a² / Σ a.
    expected = torch.tensor([[54 / 12, 113 / 19], [15 / 7, 21 / 7]], dtype=torch.float64)
    torch.testing.assert_close(out, expected)
    x = X[None, None].numpy()
    assert np.all(avg_pool2d(x, 2)[0, 0] <= out.numpy()) and np.all(
        out.numpy() <= max_pool2d(x, 2)[0, 0])


def test_window_probabilities():
    p = window_probabilities(X[None, None], 2)  # (1, 1, 4, 2, 2)
    assert p.shape == (1, 1, 4, 2, 2)
    torch.testing.assert_close(p[0, 0, :, 0, 0], torch.tensor([1, 1, 4, 6.0],
                                                              dtype=torch.float64) / 12)
    torch.testing.assert_close(p.sum(dim=2), torch.ones(1, 1, 2, 2, dtype=torch.float64))


def test_sampling_frequencies_follow_p():
    """60,000 windows holding [1, 2, 3, 4] (2×2): the drawn positions must follow p = a / 10."""
    windows = 60_000
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]]).repeat(1, windows)[None, None]  # (1, 1, 2, 2·M)
    gen = torch.Generator().manual_seed(0)
    out, index = stochastic_pool2d(x, 2, generator=gen, return_indices=True)
    counts = np.bincount(index.flatten().numpy(), minlength=4)
    expected = np.array([0.1, 0.2, 0.3, 0.4]) * windows
    assert stats.chisquare(counts, expected).pvalue > 1e-3, counts
    # The output is the drawn value, and its mean is the inference value Σ p a = 3.
    np.testing.assert_array_equal(out.flatten().numpy(), (index.flatten() + 1).numpy())
    se = np.sqrt(np.sum(np.array([0.1, 0.2, 0.3, 0.4]) * (np.arange(1, 5) - 3.0) ** 2) / windows)
    assert abs(out.mean().item() - 3.0) < 4 * se


def test_a_wrong_sampler_would_fail_the_frequency_test():
    # The test above can fail: uniform draws over the same counts are rejected.
    counts = np.random.default_rng(0).multinomial(60_000, [0.25] * 4)
    assert stats.chisquare(counts, np.array([0.1, 0.2, 0.3, 0.4]) * 60_000).pvalue < 1e-10


def test_zero_probability_elements_are_never_drawn_and_zero_windows_give_zero():
    x = torch.tensor([[0.0, 5.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]).repeat(1, 500)[None, None]
    out = stochastic_pool2d(x, 2, generator=torch.Generator().manual_seed(1))[0, 0, 0]
    assert torch.all(out[0::2] == 5) and torch.all(out[1::2] == 0)
    assert torch.all(stochastic_pool2d(x, 2, training=False)[0, 0, 0, 1::2] == 0)


def test_module_switches_between_sampling_and_expectation():
    pool = StochasticPool2d(2, generator=torch.Generator().manual_seed(0))
    assert list(pool.parameters()) == [] and "kernel_size=2, stride=2" in repr(pool)
    x = torch.rand(2, 3, 8, 8, generator=torch.Generator().manual_seed(2))
    sampled = pool(x)
    assert sampled.shape == (2, 3, 4, 4)
    # Every sampled value is one of its window's elements.
    windows = x.unfold(2, 2, 2).unfold(3, 2, 2).reshape(2, 3, 4, 4, 4)
    assert torch.all((windows == sampled[..., None]).any(dim=-1))
    pool.eval()
    torch.testing.assert_close(pool(x), (windows**2).sum(-1) / windows.sum(-1))
    torch.testing.assert_close(pool(x), pool(x))  # deterministic in eval mode


def test_generator_makes_draws_reproducible_and_overlapping_windows():
    x = torch.rand(1, 2, 9, 9, generator=torch.Generator().manual_seed(3))
    a = stochastic_pool2d(x, 3, stride=2, generator=torch.Generator().manual_seed(7))
    b = stochastic_pool2d(x, 3, stride=2, generator=torch.Generator().manual_seed(7))
    assert a.shape == (1, 2, 4, 4) and torch.equal(a, b)


def test_gradient_reaches_the_drawn_element_only():
    x = (X[None, None] + 0.5).requires_grad_(True)
    out, index = stochastic_pool2d(x, 2, generator=torch.Generator().manual_seed(0),
                                   return_indices=True)
    out.sum().backward()
    grad = x.grad[0, 0]
    assert grad.sum() == 4 and torch.all((grad == 0) | (grad == 1))
    for i in range(2):
        for j in range(2):
            u, v = divmod(int(index[0, 0, i, j]), 2)
            assert grad[2 * i + u, 2 * j + v] == 1


@pytest.mark.parametrize("x,kwargs,message", [
    (-X[None, None], {}, "non-negative"),
    (X, {}, r"\(N, C, H, W\)"),
    (X[None, None], {"kernel_size": (2, 2)}, "square window"),
    (X[None, None], {"training": False, "return_indices": True}, "needs training=True"),
])
def test_errors(x, kwargs, message):
    kwargs = {"kernel_size": 2, **kwargs}
    with pytest.raises(ValueError, match=message):
        stochastic_pool2d(x, **kwargs)
