import pytest

from course_lib.ops import correlate2d
from course_lib.source_view import OMITTED, teaching_source


def _checked(x: int, y: int) -> int:
    """Doc."""
    if x < 0:
        raise ValueError("x must be ≥ 0")
    total = x + y  # the computation
    if y < 0:
        raise ValueError(
            "y must be ≥ 0")
    if total > 10:
        total = 10  # an ordinary branch stays
    return total


def test_validation_blocks_become_one_comment_and_the_rest_stays():
    text = teaching_source(_checked)
    assert "raise" not in text and text.count(OMITTED) == 1
    assert "total = x + y  # the computation" in text and "total = 10" in text
    assert text.index(OMITTED) < text.index("total = x + y")
    namespace = {}
    exec(text.replace(OMITTED, "pass"), namespace)  # still valid Python, same result
    assert namespace["_checked"](3, 4) == 7 and namespace["_checked"](8, 9) == 10


def test_library_function_keeps_its_loop():
    text = teaching_source(correlate2d)
    assert "raise" not in text and "for i in range" in text and "np.sum(window * w)" in text


def test_function_without_checks_is_unchanged_and_classes_are_refused():
    def plain(a):
        return a + 1

    assert "return a + 1" in teaching_source(plain) and OMITTED not in teaching_source(plain)
    with pytest.raises(TypeError):
        teaching_source(pytest.Mark)
