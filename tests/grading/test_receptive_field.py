"""Chapter 04's exercise checks (output_size_strict, same_padding, receptive_field, design_stack):
full marks for
correct code, none for stubs, a specific message for each typical mistake, never an exception;
and the exercise notebook: its solutions score full marks, its student copy zero."""

from __future__ import annotations

import itertools

import pytest
from grading_contract import assert_check_contract, assert_notebook_contract, failures, run

from course_lib.grading import EXERCISE_SETS
from course_lib.grading.receptive_field import (
    fewest_weights,
    receptive_field_reference,
    stack_weights,
)
from tools.notebooks import ROOT

SET = "padding_stride_receptive_field"
SOURCE = ROOT / "exercises" / "source" / "04_padding_stride_receptive_field.ipynb"
STUDENT = ROOT / "exercises" / "04_padding_stride_receptive_field.ipynb"

# ------------------------------------------------------ reference answers, written independently


def output_size_strict(size, kernel_size, stride=1, padding=0):
    span = size + 2 * padding - kernel_size
    if span < 0 or span % stride:
        raise ValueError("the windows do not tile the input")
    return span // stride + 1


def same_padding(kernel_size):
    if kernel_size % 2 == 0:
        raise ValueError("even kernel")
    return (kernel_size - 1) // 2


def receptive_field(layers):
    r, jump = 1, 1
    for k, s in layers:
        r += (k - 1) * jump
        jump *= s
    return r


def design_stack():
    return [(3, 1), (2, 2), (2, 2), (3, 1), (3, 1), (3, 1)]


CORRECT = {"output_size_strict": output_size_strict, "same_padding": same_padding,
           "receptive_field": receptive_field, "design_stack": design_stack}
NAMES = [c.name for c in EXERCISE_SETS[SET]]
ODD_RETURNS = [None, "text", 2.5, [1], -1, True]





def test_the_set_has_the_four_exercises():
    assert NAMES == list(CORRECT)


@pytest.mark.parametrize("name", NAMES)
def test_full_marks_for_correct_code_none_for_stubs_and_no_exception(name):
    assert_check_contract(SET, name, CORRECT[name], ODD_RETURNS)


def test_reference_gives_the_curriculum_numbers():
    assert receptive_field_reference([(3, 1)] * 3) == receptive_field_reference([(7, 1)]) == 7
    vgg = [(3, 1)] * 2 + [(2, 2)] + [(3, 1)] * 2 + [(2, 2)] + ([(3, 1)] * 3 + [(2, 2)]) * 3
    assert receptive_field_reference(vgg) == 212


# ------------------------------------------------------------------------- typical mistakes


def test_strict_size_that_floors_instead_of_raising():
    result = run("output_size_strict", lambda n, k, stride=1, padding=0:
                 (n - k + 2 * padding) // stride + 1)
    assert result.points == 1  # only the sizes that fit
    assert ("output_size_strict(7, 3, stride=3, padding=0) returned 2, but (7 − 3 + 2·0)/3 + 1 = "
            "2.33 is not an integer: raise ValueError" in failures(result))
    assert "larger than the padded input" in failures(result)


def test_strict_size_raising_the_wrong_exception_or_too_often():
    def asserts(n, k, stride=1, padding=0):
        assert (n - k + 2 * padding) % stride == 0, "does not fit"
        return (n - k + 2 * padding) // stride + 1

    result = run("output_size_strict", asserts)
    assert result.points == 1 and "raised AssertionError: does not fit" in failures(result)

    def always(n, k, stride=1, padding=0):
        raise ValueError("no")

    result = run("output_size_strict", always)
    assert result.points == 2 and "raised ValueError (no) but (9 − 3 + 2·1)/2 + 1 = 5 fits" in (
        failures(result))
    no_padding = run("output_size_strict", lambda n, k, stride=1, padding=0:
                     output_size_strict(n, k, stride))
    assert no_padding.points == 1
    assert "expected 5, got 4: did you forget the padding (2P: both sides)?" in failures(no_padding)


def test_same_padding_mistakes():
    total = run("same_padding", lambda k: k - 1)
    assert total.points == 0 and "that is the total: split F − 1" in failures(total)
    halves = run("same_padding", lambda k: k // 2)  # right for odd, silent for even
    assert halves.points == 1 and "same_padding(2) returned 1" in failures(halves)
    assert "raise ValueError" in failures(halves)


@pytest.mark.parametrize("wrong,message", [
    (lambda layers: 1 + sum(k - 1 for k, _ in layers), "did you forget the strides?"),
    (lambda layers: sum(k for k, _ in layers) - len(layers), "off by one: start from r = 1"),
])
def test_receptive_field_mistakes(wrong, message):
    result = run("receptive_field", wrong)
    assert result.points < result.max_points and message in failures(result)


def test_receptive_field_own_stride_mistake():
    def own_stride(layers):
        r, jump = 1, 1
        for k, s in layers:
            jump *= s
            r += (k - 1) * jump
        return r

    result = run("receptive_field", own_stride)
    assert result.points == 1 and "multiply by the strides of the layers below" in failures(result)


# ---------------------------------------------------------------------------------- the design


def test_fewest_weights_is_the_least_over_every_valid_stack():
    # Every stack of up to 7 layers from (k, 1), k = 3, 5, 7 and (2, 2), by brute force.
    blocks = [(3, 1), (5, 1), (7, 1), (2, 2)]
    best = min(stack_weights(list(s)) for n in range(1, 8)
               for s in itertools.product(blocks, repeat=n)
               if s[0] != (2, 2) and s.count((2, 2)) <= 2 and receptive_field(s) >= 28)
    assert fewest_weights() == best == 36
    assert receptive_field(design_stack()) == 30


@pytest.mark.parametrize("stack,points,message", [
    ([(3, 1)] * 14, 2, "a valid stack that sees 28 pixels with fewer exists"),
    ([(3, 1), (2, 2), (2, 2), (3, 1), (5, 1)], 2, "Σ k² = 43"),
    ([(3, 1), (2, 2), (3, 1), (2, 2), (3, 1), (3, 1)], 1, "sees 26×26 pixels, fewer than 28"),
    ([(2, 2), (2, 2), (3, 1), (3, 1), (3, 1)], 0, "the first layer must be a convolution"),
    ([(3, 1)] + [(2, 2)] * 3 + [(3, 1)] * 2, 0, "3 poolings: at most 2"),
    ([(3, 1), (2, 2), (2, 2), (4, 1), (3, 1), (3, 1)], 0, "(4, 1) is neither a convolution"),
    ([(3, 1), (3, 2)], 0, "(3, 2) is neither"),
    ([3, 3], 0, "3 is not a (kernel_size, stride) pair"),
    ([], 0, "a non-empty list"),
])
def test_design_mistakes_are_named(stack, points, message):
    result = run("design_stack", lambda: stack)
    assert result.points == points and message in failures(result), result.messages


# --------------------------------------------------------------------------------- notebooks


def test_solution_notebook_scores_full_marks_and_student_copy_zero():
    assert_notebook_contract(SET, SOURCE, STUDENT)
