"""course_lib.shift_invariance: shifting, relative change and 1-nearest-neighbour accuracy on
small hand-made examples with known answers."""

from __future__ import annotations

import pytest
import torch

from course_lib.shift_invariance import nearest_neighbour_accuracy, relative_change, shift_right


def test_shift_right_moves_columns_and_fills_zeros():
    x = torch.arange(1.0, 7.0).reshape(1, 1, 2, 3)
    assert shift_right(x, 1)[0, 0].tolist() == [[0, 1, 2], [0, 4, 5]]
    assert torch.equal(shift_right(x, 0), x)
    with pytest.raises(ValueError, match="pixels"):
        shift_right(x, 3)


def test_relative_change():
    a = torch.tensor([[3.0, 4.0], [1.0, 0.0]])
    b = torch.tensor([[3.0, 4.0], [0.0, 1.0]])
    assert relative_change(a, b) == pytest.approx((0 + 2**0.5) / 2)


def test_nearest_neighbour_accuracy_keeps_or_loses_what_separates_the_classes():
    gallery = torch.tensor([[0.0, 0.0], [10.0, 10.0]])
    labels = torch.tensor([0, 1])
    queries = torch.tensor([[1.0, 0.0], [9.0, 9.0], [6.0, 6.0], [4.0, 4.0]])
    truth = torch.tensor([0, 1, 1, 0])
    assert nearest_neighbour_accuracy(gallery, labels, queries, truth, chunk=3) == 1.0
    assert nearest_neighbour_accuracy(gallery, labels, queries, 1 - truth) == 0.0
    # Keeping only x − y throws away what separates the classes: both gallery points become 0,
    # every query's nearest is the first (class 0), and half the queries are right.
    diff = lambda t: (t[:, :1] - t[:, 1:])  # noqa: E731
    assert nearest_neighbour_accuracy(diff(gallery), labels, diff(queries), truth) == 0.5
