"""course_lib.ops.dropout: inverted dropout keeps the expected activation, has the statistics of
torch's nn.Dropout, is the identity in evaluation, and its backward pass passes a gradient check."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from course_lib.numerics import numerical_gradient_array, rel_error
from course_lib.ops.dropout import dropout, dropout_backward, dropout_mask


def test_mask_values_and_keep_rate():
    mask = dropout_mask((400, 500), p=0.3, rng=np.random.default_rng(0))
    np.testing.assert_allclose(np.unique(mask), [0.0, 1 / 0.7])
    n = mask.size
    dropped = (mask == 0).mean()
    assert abs(dropped - 0.3) < 4 * np.sqrt(0.3 * 0.7 / n)  # within 4 standard deviations
    assert abs(mask.mean() - 1.0) < 0.01  # E[mask] = 1: the point of the 1/(1 - p) scaling


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_statistics_match_torch_dropout(p):
    x = np.abs(np.random.default_rng(1).normal(size=(200, 300))) + 0.1  # no zeros in the input
    ours = dropout(x, p, training=True, rng=np.random.default_rng(2))
    torch.manual_seed(0)
    theirs = torch.nn.Dropout(p)(torch.from_numpy(x)).numpy()  # nn.Dropout starts in train mode
    for out in (ours, theirs):
        kept = out != 0
        np.testing.assert_allclose(out[kept], x[kept] / (1 - p))  # kept values scaled alike
    tol = 4 * np.sqrt(p * (1 - p) / x.size)
    assert abs((ours == 0).mean() - (theirs == 0).mean()) < 2 * tol
    assert abs((ours == 0).mean() - p) < tol
    assert abs(ours.mean() / x.mean() - 1) < 0.02  # the expected activation is kept


def test_eval_mode_and_p_zero_are_the_identity():
    x = np.random.default_rng(3).normal(size=(5, 7))
    for out in (dropout(x, 0.5, training=False), dropout(x, 0.0, training=True)):
        np.testing.assert_array_equal(out, x)
        assert out is not x
    layer = torch.nn.Dropout(0.5).eval()
    np.testing.assert_array_equal(layer(torch.from_numpy(x)).numpy(), x)


def test_p_one_drops_everything_like_torch():
    x = np.ones((3, 4))
    np.testing.assert_array_equal(dropout(x, 1.0, rng=np.random.default_rng(0)), 0)
    assert torch.nn.functional.dropout(torch.ones(3, 4), 1.0).eq(0).all()


def test_a_given_mask_is_used_and_checked():
    x = np.arange(6.0).reshape(2, 3)
    mask = np.array([[2.0, 0, 2], [0, 2, 2]])
    np.testing.assert_array_equal(dropout(x, 0.5, mask=mask), x * mask)
    with pytest.raises(ValueError, match="shape"):
        dropout(x, 0.5, mask=np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        dropout(x, 1.5)


def test_backward_passes_a_numerical_gradient_check():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(4, 6))
    mask = dropout_mask(x.shape, 0.4, rng)
    dout = rng.normal(size=x.shape)
    numeric = numerical_gradient_array(lambda v: dropout(v, 0.4, mask=mask), x, dout)
    assert rel_error(dropout_backward(dout, mask), numeric) < 1e-8


def test_backward_matches_torch_autograd():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(3, 5))
    mask = dropout_mask(x.shape, 0.5, rng)
    xt = torch.tensor(x, requires_grad=True)
    (xt * torch.from_numpy(mask)).sum().backward()
    np.testing.assert_array_equal(dropout_backward(np.ones_like(x), mask), xt.grad.numpy())
