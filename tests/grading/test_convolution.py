"""The exercise checks: full marks for correct code, none for stubs, a specific message for each
typical mistake, and never an exception, whatever the learner's function does."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from grading_contract import stub

from course_lib.grading import (
    EXERCISE_SETS,
    Case,
    call,
    check,
    find_check,
    run_cases,
    run_check,
)
from course_lib.grading.conv_arithmetic import (
    conv_prediction_answers,
    output_size_reference,
    window_counts,
)
from course_lib.grading.conv_backward import conv2d_gradients
from course_lib.grading.convolution import torch_conv2d
from course_lib.grading.core import NOT_IMPLEMENTED
from course_lib.ops import WORKED_EXAMPLE_IMAGE, WORKED_EXAMPLE_KERNEL

# ------------------------------------------------------ reference answers, written independently


def correlate2d(x, k):
    kH, kW = k.shape
    y = np.zeros((x.shape[0] - kH + 1, x.shape[1] - kW + 1))
    for i, j in np.ndindex(y.shape):
        y[i, j] = np.sum(x[i : i + kH, j : j + kW] * k)
    return y


def conv2d(x, weight, bias=None, stride=1, padding=0):
    N, C, H, W = x.shape
    C_out, _, kH, kW = weight.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    H_out, W_out = (H + 2 * padding - kH) // stride + 1, (W + 2 * padding - kW) // stride + 1
    y = np.zeros((N, C_out, H_out, W_out))
    for n, o, i, j in np.ndindex(y.shape):
        y[n, o, i, j] = np.sum(xp[n, :, i * stride : i * stride + kH, j * stride : j * stride + kW]
                               * weight[o])
    return y if bias is None else y + bias[None, :, None, None]


def conv2d_backward(dout, x, weight, stride=1, padding=0):
    # Entry by entry from y[n, o, i, j] = b[o] + Σ xp[n, c, iS + u, jS + v] · w[o, c, u, v].
    P, S = padding, stride
    xp = np.pad(x, ((0, 0), (0, 0), (P, P), (P, P)))
    dxp, dw = np.zeros(xp.shape), np.zeros(weight.shape)
    for n, o, i, j in np.ndindex(dout.shape):
        for c, u, v in np.ndindex(weight.shape[1:]):
            dxp[n, c, i * S + u, j * S + v] += dout[n, o, i, j] * weight[o, c, u, v]
            dw[o, c, u, v] += dout[n, o, i, j] * xp[n, c, i * S + u, j * S + v]
    return dxp[:, :, P : P + x.shape[2], P : P + x.shape[3]], dw, dout.sum(axis=(0, 2, 3))


def conv_predictions():
    # From PyTorch itself: the layer's output and parameters, and the input gradient of
    # Σ conv(ones) with a kernel of ones, which counts the windows reading each pixel.
    layer = torch.nn.Conv2d(3, 16, kernel_size=5, stride=2, padding=1)
    out = layer(torch.zeros(8, 3, 32, 32))
    x = torch.zeros(1, 1, 32, 32, requires_grad=True)
    torch.nn.functional.conv2d(x, torch.ones(1, 1, 3, 3), stride=2).sum().backward()
    counts = x.grad[0, 0]
    return {"output_shape": tuple(out.shape), "parameters": sum(p.numel() for p in
                                                                layer.parameters()),
            "terms_per_dw": out.shape[0] * out.shape[2] * out.shape[3],
            "unseen_pixels": int((counts == 0).sum()), "max_windows": int(counts.max())}


CORRECT = {
    "correlate2d": correlate2d,
    "conv2d": conv2d,
    "conv2d_backward": conv2d_backward,
    "conv_predictions": conv_predictions,
}
NAMES = [c.name for c in EXERCISE_SETS["convolution"]]



def run(name, fn):
    return run_check(name, fn, verbose=False)


def failures(result):
    return "\n".join(m for m in result.messages if not m.startswith("✓"))


# ---------------------------------------------------------------- the references are the course's


def test_worked_example_reference_gives_the_curriculum_answer():
    y = torch_conv2d(WORKED_EXAMPLE_IMAGE[None, None], WORKED_EXAMPLE_KERNEL[None, None])[0, 0]
    np.testing.assert_array_equal(y, [[4, 3, 4], [2, 4, 3], [2, 3, 4]])


def test_the_predictions_agree_with_torch_and_count_windows():
    answers = conv_prediction_answers()
    assert answers == conv_predictions()
    assert answers == {"output_shape": (8, 16, 15, 15), "parameters": 1_216,
                       "terms_per_dw": 1_800, "unseen_pixels": 63, "max_windows": 4}
    assert window_counts(5, 3, 1).tolist()[2] == [3, 6, 9, 6, 3]  # 3×3, stride 1: 9 at most


@pytest.mark.parametrize("stride,padding", [(1, 0), (2, 1), (3, 2)])
def test_the_backward_reference_is_autograd_and_central_differences(stride, padding):
    rng = np.random.default_rng(stride)
    x, w = rng.standard_normal((2, 2, 7, 6)), rng.standard_normal((3, 2, 3, 2))
    H_out = (7 + 2 * padding - 3) // stride + 1
    W_out = (6 + 2 * padding - 2) // stride + 1
    dout = rng.standard_normal((2, 3, H_out, W_out))
    exact = conv2d_gradients(dout, x, w, stride, padding)
    numerical = conv2d_gradients(dout, x, w, stride, padding, numerical=True)
    for a, b, c in zip(exact, numerical, conv2d_backward(dout, x, w, stride, padding),
                       strict=True):
        np.testing.assert_allclose(a, b, atol=1e-6)
        np.testing.assert_allclose(a, c, atol=1e-12)


@pytest.mark.parametrize("size,k,stride,padding", [(9, 3, 2, 1), (7, 3, 1, 0), (7, 3, 2, 0),
                                                   (7, 3, 3, 0), (10, 4, 3, 1), (32, 5, 1, 2)])
def test_output_size_reference_matches_torch(size, k, stride, padding):
    y = torch.nn.functional.conv2d(torch.zeros(1, 1, size, size), torch.zeros(1, 1, k, k),
                                   stride=stride, padding=padding)
    assert output_size_reference(size, k, stride, padding) == y.shape[-1]
    assert output_size_reference(9, 3, 2, 1) == 5 and output_size_reference(7, 3, 3) == 2


# -------------------------------------------------------------------------- both directions


@pytest.mark.parametrize("name", NAMES)
def test_correct_code_earns_full_points(name, capsys):
    result = run_check(name, CORRECT[name])
    assert result.points == result.max_points == find_check(name).max_points > 0
    assert all(m.startswith("✓") for m in result.messages)
    out = capsys.readouterr().out
    assert f"{name}: {result.max_points}/{result.max_points} points" in out and "✓" in out


@pytest.mark.parametrize("name", NAMES)
def test_a_stub_earns_nothing_with_one_message(name):
    result = run(name, stub)
    assert result.points == 0 and result.max_points == find_check(name).max_points
    assert result.messages == [NOT_IMPLEMENTED]


# ------------------------------------------------------------------------- typical mistakes


def test_flipped_kernel_is_named():
    result = run("correlate2d", lambda x, k: correlate2d(x, k[::-1, ::-1]))
    assert result.points == 1  # the worked example's kernel is symmetric: flipping is harmless
    assert "true convolution (the kernel flipped)" in failures(result)


def test_conv2d_missing_bias():
    result = run("conv2d", lambda x, w, bias=None, stride=1, padding=0: conv2d(x, w, None, stride,
                                                                                padding))
    assert result.points == 3 and "did you forget the bias?" in failures(result)


def test_conv2d_missing_padding_gives_a_shape_message():
    result = run("conv2d", lambda x, w, bias=None, stride=1, padding=0: conv2d(x, w, bias, stride))
    assert result.points == 3
    assert ("expected shape (2, 3, 7, 8), got (2, 3, 3, 4): did you forget the padding?"
            in failures(result))


def test_conv2d_ignored_stride():
    result = run("conv2d", lambda x, w, bias=None, stride=1, padding=0: conv2d(x, w, bias, 1,
                                                                                padding))
    assert result.points == 4 and "did you ignore the stride?" in failures(result)


def test_conv2d_channels_last_output():
    result = run("conv2d", lambda *a, **kw: conv2d(*a, **kw).transpose(0, 2, 3, 1))
    assert result.points == 0 and "another order" in failures(result)


@pytest.mark.parametrize("wrong,message", [
    (lambda *a, **kw: conv2d(*a, **kw).tolist(), "expected a NumPy array, got a list"),
    (lambda *a, **kw: conv2d(*a, **kw) * np.nan, "NaN or inf"),
    (lambda *a, **kw: conv2d(*a, **kw).astype(np.int64), "integer dtype int64"),
    (lambda *a, **kw: conv2d(*a, **kw).astype(bool), "expected an array of real numbers"),
    (lambda *a, **kw: None, "returned None: did you forget the `return` statement?"),
    (lambda *a, **kw: torch.zeros(3), "got a torch.Tensor"),
    (lambda *a, **kw: "an answer", "got a str"),
    (lambda *a, **kw: conv2d(*a, **kw)[..., :-1], "off by one"),
])
def test_wrong_outputs_are_explained(wrong, message):
    result = run("conv2d", wrong)
    assert result.points < result.max_points and message in failures(result)


def test_exceptions_are_reported_not_raised():
    def raises(x, weight, bias=None, stride=1, padding=0):
        raise ValueError("shapes do not match")

    def exits(x, k):
        raise SystemExit(1)

    result = run("conv2d", raises)
    assert result.points == 0 and "raised ValueError: shapes do not match" in failures(result)
    assert "raised SystemExit" in failures(run("correlate2d", exits))
    assert "raised TypeError" in failures(run("correlate2d", lambda x: x))  # wrong signature
    assert "expected a function, got a NoneType" in failures(run("conv2d", None))


def test_changing_the_input_in_place_is_reported():
    def in_place(x, k):
        x *= 0
        return correlate2d(x, k)

    assert "changed its input array in place" in failures(run("correlate2d", in_place))


def test_an_endless_loop_is_stopped():
    def forever(x):
        while True:
            pass

    result = run_cases("loop", forever, [Case("loops", lambda fn: call(fn, 1))], verbose=False,
                       time_limit=0.2)
    assert result.points == 0 and "took longer than 0.2 s" in failures(result)


def _backward(**mistake):
    """conv2d_backward with one typical mistake built in."""
    def wrong(dout, x, weight, stride=1, padding=0):
        P, S = padding, stride
        if mistake.get("ignore_stride"):
            S = 1
        w = weight[:, :, ::-1, ::-1] if mistake.get("flip") else weight
        xp = np.pad(x, ((0, 0), (0, 0), (P, P), (P, P)))
        dxp, dw = np.zeros(xp.shape), np.zeros(weight.shape)
        kH, kW = weight.shape[2:]
        for i in range(dout.shape[2]):
            for j in range(dout.shape[3]):
                rows, cols = slice(i * S, i * S + kH), slice(j * S, j * S + kW)
                spread = np.tensordot(dout[:, :, i, j], w, axes=([1], [0]))
                if mistake.get("assign"):
                    dxp[:, :, rows, cols] = spread
                else:
                    dxp[:, :, rows, cols] += spread
                dw += np.tensordot(dout[:, :, i, j], xp[:, :, rows, cols], axes=([0], [0]))
        dx = dxp if mistake.get("keep_padding") else dxp[:, :, P : P + x.shape[2],
                                                         P : P + x.shape[3]]
        db = dout.sum(axis=(0, 2, 3))
        if mistake.get("db_mean"):
            db = dout.mean(axis=(0, 2, 3))
        if mistake.get("db_per_image"):
            db = dout.sum(axis=(2, 3))
        if mistake.get("dw_mean"):
            dw = dw / x.shape[0]
        return dx, dw, db

    return wrong


@pytest.mark.parametrize("mistake,message,points", [
    ({"assign": True}, "windows overlap (stride < kernel)", 1),
    ({"flip": True}, "the kernel is flipped", 0),
    ({"keep_padding": True}, "that is the gradient of the padded input", 3),
    ({"db_mean": True}, "db is the SUM of dout over N, H_out and W_out", 0),
    ({"db_per_image": True}, "sum over the batch too", 0),
    ({"dw_mean": True}, "do not divide by N", 2),  # two cases have one image
])
def test_conv2d_backward_mistakes_are_named(mistake, message, points):
    result = run("conv2d_backward", _backward(**mistake))
    assert result.points == points and message in failures(result), result.messages


def test_conv2d_backward_ignoring_the_stride_is_named():
    def ignore_stride(dout, x, weight, stride=1, padding=0):
        try:
            return _backward(ignore_stride=True)(dout, x, weight, stride, padding)
        except ValueError:  # a window past the input's edge
            raise ValueError("the window does not fit") from None

    result = run("conv2d_backward", ignore_stride)
    assert result.points == 3 and "use the stride when you place each window" in failures(result)


def test_conv2d_backward_answers_that_are_not_three_arrays():
    assert "expected a tuple (dx, dw, db), got a ndarray" in failures(
        run("conv2d_backward", lambda d, x, w, stride=1, padding=0: x))
    assert "of length 2" in failures(run("conv2d_backward", lambda *a, **k: (1, 2)))
    swapped = run("conv2d_backward", lambda *a, **k: conv2d_backward(*a, **k)[::-1])
    assert swapped.points == 0 and "dx: expected shape" in failures(swapped)


@pytest.mark.parametrize("key,wrong,message", [
    ("output_shape", (8, 16, 16, 16), "PyTorch rounds down"),
    ("output_shape", (8, 16, 14, 14), "forget the padding"),
    ("output_shape", (8, 15, 15, 16), "(N, C, H, W)"),
    ("output_shape", [8, 16, 15], "a tuple of 4 ints"),
    ("parameters", 1_200, "forget the biases"),
    ("parameters", 416, "its depth equals the input's"),
    ("terms_per_dw", 225, "dw sums over the batch too"),
    ("terms_per_dw", 75, "products in one OUTPUT value"),
    ("unseen_pixels", 64, "count it once"),
    ("unseen_pixels", 0, "lay the windows out"),
    ("max_windows", 9, "the kernel's area"),
    ("max_windows", 2, "that is along one axis"),
    ("max_windows", 9.0, "expected an int"),
    ("max_windows", 7, "work it out again"),
])
def test_wrong_predictions_are_explained_without_the_answer(key, wrong, message):
    answers = dict(conv_predictions(), **{key: wrong})
    result = run("conv_predictions", lambda: answers)
    assert result.points == 4 and message in failures(result)
    assert str(conv_prediction_answers()[key]) not in failures(result)
    missing = run("conv_predictions", lambda: {k: v for k, v in answers.items() if k != key})
    assert f"the dict has no key {key!r}" in failures(missing)


# ----------------------------------------------------------------------- registry and report


def test_check_prints_its_report_and_returns_nothing(capsys):
    assert check("conv_predictions", conv_predictions) is None  # nothing to echo in a cell
    check("conv2d_backward", stub)
    out = capsys.readouterr().out
    assert "conv_predictions: 5/5 points" in out
    assert f"conv2d_backward: 0/6 points\n  {NOT_IMPLEMENTED}" in out


def test_unknown_check_names_list_the_known_ones():
    with pytest.raises(ValueError, match="conv2d"):
        run_check("con2d", conv2d)
    with pytest.raises(ValueError, match="unknown exercise set"):
        find_check("conv2d", exercise_set="nope")
    assert find_check("conv2d", exercise_set="convolution").max_points == 5


ODD_RETURNS = [None, "text", {}, 1e300, -1, np.zeros(()), np.ones(3, dtype=complex),
               np.array([object()]), np.full((2, 2), np.inf), torch.ones(2)]


@pytest.mark.parametrize("name", NAMES)
def test_no_return_value_makes_a_check_raise(name):
    cases = len(run(name, CORRECT[name]).messages)
    for odd in ODD_RETURNS:
        result = run(name, lambda *a, _odd=odd, **kw: _odd)
        assert result.points < result.max_points and len(result.messages) == cases
