"""course_lib.claims: checked claim lines and mean ± sd over seeds."""

import math

import pytest

from course_lib.claims import claim, claim_higher, claim_level, spread


def test_spread_is_mean_and_sample_sd():
    s = spread([1.0, 2.0, 3.0])
    assert s.mean == 2.0
    assert s.sd == pytest.approx(1.0)  # sample sd (n - 1), not population (0.816)
    assert str(s) == "2.0 ± 1.0"
    assert spread([5.0]).sd == 0.0
    assert str(spread([91.234, 91.0], digits=2)) == f"91.12 ± {math.sqrt(2) * 0.117:.2f}"


def test_spread_refuses_empty_and_nan():
    with pytest.raises(ValueError):
        spread([])
    with pytest.raises(ValueError):
        spread([1.0, float("nan")])


def test_claim_prints_tick_or_cross(capsys):
    assert claim(True, "two is more than one") is True
    assert claim(False, "one is more than two") is False
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["✓ two is more than one", "✗ one is more than two"]


def test_claim_higher_needs_every_seed_and_a_margin_above_the_spread(capsys):
    assert claim_higher([91.0, 91.5, 91.2], [89.5, 90.0, 89.9], "dropout beats none")
    line = capsys.readouterr().out.strip()
    assert line == "✓ dropout beats none in 3/3 seeds (91.2 ± 0.3 vs 89.8 ± 0.3)"
    # wins in two seeds of three: not claimed
    assert not claim_higher([91.0, 89.0, 91.2], [89.5, 90.0, 89.9], "a beats b")
    assert capsys.readouterr().out.startswith("✗ a beats b in 2/3 seeds")
    # wins every seed, but by less than the spread
    assert not claim_higher([80.0, 90.0, 85.1], [79.9, 89.9, 85.0], "a beats b")
    assert capsys.readouterr().out.startswith("✗")


def test_claim_level_is_the_negation_of_a_clear_ordering(capsys):
    assert claim_level([71.9, 70.1, 72.0], [71.5, 71.0, 71.8], "the runs do not separate a and b")
    assert capsys.readouterr().out.startswith("✓ the runs do not separate a and b (71.3 ± 1.1")
    assert not claim_level([75.0, 75.5, 75.2], [70.0, 70.2, 70.1], "level")
    assert not claim_level([70.0, 70.2, 70.1], [75.0, 75.5, 75.2], "level")


def test_paired_claims_need_one_value_per_seed_on_both_sides():
    with pytest.raises(ValueError, match="one value per seed"):
        claim_higher([1.0, 2.0], [1.0], "x")


def test_claim_order_reports_the_measured_relation(capsys):
    from course_lib.claims import claim_order, separates

    hi, lo = [91.0, 92.0, 91.5], [85.0, 86.0, 85.5]
    assert separates(hi, lo) == 1 and separates(lo, hi) == -1
    assert separates([1.0, 2.0, 3.0], [2.0, 1.0, 3.5]) == 0
    assert claim_order(lo, hi, "A", "B", "on test")
    assert capsys.readouterr().out.startswith("✓ B above A on test in 3/3 seeds")
    assert claim_order([1.0, 2.0, 3.0], [2.0, 1.0, 3.5], "A", "B")
    assert capsys.readouterr().out.startswith("✓ the seeds do not separate A and B (")
