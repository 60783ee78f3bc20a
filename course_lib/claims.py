"""Checked claims: the sentence a chapter's prose makes about a result, printed as `✓ …` or `✗ …`.

Each experiment ends with the claim its prose relies on, computed from that very run, so a learner
who re-runs the chapter sees whether their run reproduced it. Comparisons take one value per seed
and pass only when one condition wins in every seed by more than the spread (mean ± sample sd).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["PASS", "FAIL", "Spread", "claim", "claim_higher", "claim_level", "claim_order",
           "spread"]

PASS, FAIL = "✓", "✗"


@dataclass(frozen=True)
class Spread:
    """Values of one quantity over several seeds, shown as `mean ± sd`."""

    values: tuple[float, ...]
    digits: int = 1  # decimals shown by str()

    @property
    def mean(self) -> float:
        return sum(self.values) / len(self.values)

    @property
    def sd(self) -> float:
        """Sample standard deviation (n − 1); 0 for a single value."""
        n = len(self.values)
        if n < 2:
            return 0.0
        return math.sqrt(sum((v - self.mean) ** 2 for v in self.values) / (n - 1))

    def __str__(self) -> str:
        return f"{self.mean:.{self.digits}f} ± {self.sd:.{self.digits}f}"


def spread(values: Sequence[float], digits: int = 1) -> Spread:
    """`Spread` of `values` (one per seed), shown with `digits` decimals."""
    values = tuple(float(v) for v in values)
    if not values or not all(math.isfinite(v) for v in values):
        raise ValueError(f"spread needs one or more finite values, got {values}")
    return Spread(values, digits)


def claim(holds: bool, statement: str) -> bool:
    """Print `✓ statement` when `holds`, else `✗ statement`; return `holds`."""
    holds = bool(holds)
    print(f"{PASS if holds else FAIL} {statement}")
    return holds


def _paired(a: Sequence[float], b: Sequence[float], digits: int) -> tuple[Spread, Spread, int]:
    if len(a) != len(b):
        raise ValueError(f"one value per seed on both sides: got {len(a)} and {len(b)}")
    sa, sb = spread(a, digits), spread(b, digits)
    wins = sum(x > y for x, y in zip(sa.values, sb.values, strict=True))
    return sa, sb, wins


def claim_higher(higher: Sequence[float], lower: Sequence[float], statement: str,
                 digits: int = 1) -> bool:
    """Claim that `higher` beats `lower`: in every seed, by a mean margin above the larger sd.

    `higher[i]` and `lower[i]` come from the same seed. The line reads, e.g.,
    `✓ dropout beats no regularization in 3/3 seeds (91.2 ± 0.4 vs 89.8 ± 0.5)`.
    """
    sa, sb, wins = _paired(higher, lower, digits)
    n = len(sa.values)
    holds = wins == n and sa.mean - sb.mean > max(sa.sd, sb.sd)
    return claim(holds, f"{statement} in {wins}/{n} seeds ({sa} vs {sb})")


def claim_level(a: Sequence[float], b: Sequence[float], statement: str,
                digits: int = 1) -> bool:
    """Claim that the runs do not separate `a` and `b`: neither wins every seed by more than the
    larger sd. The line shows both spreads, e.g. `✓ … (71.9 ± 1.2 vs 71.5 ± 0.8)`."""
    sa, sb, wins = _paired(a, b, digits)
    n = len(sa.values)
    margin, sd = sa.mean - sb.mean, max(sa.sd, sb.sd)
    separated = (wins == n and margin > sd) or (wins == 0 and -margin > sd)
    return claim(not separated, f"{statement} ({sa} vs {sb}; mean difference {margin:+.{digits}f},"
                                f" larger sd {sd:.{digits}f})")


def separates(a: Sequence[float], b: Sequence[float]) -> int:
    """+1 when `a` beats `b` in every seed by a mean margin above the larger sd, −1 when `b`
    beats `a` so, 0 when the runs do not separate them (the rule of `claim_higher`)."""
    sa, sb, wins = _paired(a, b, 1)
    n, margin, sd = len(sa.values), sa.mean - sb.mean, max(sa.sd, sb.sd)
    if wins == n and margin > sd:
        return 1
    if wins == 0 and -margin > sd:
        return -1
    return 0


def claim_order(a: Sequence[float], b: Sequence[float], name_a: str, name_b: str,
                what: str = "", digits: int = 1) -> bool:
    """Report how the seeds order two conditions where the page makes no prior claim: `name_a`
    above `name_b`, below it, or not separated, each as a checked line by the rules above."""
    order = separates(a, b)
    suffix = f" {what}" if what else ""
    if order > 0:
        return claim_higher(a, b, f"{name_a} above {name_b}{suffix}", digits)
    if order < 0:
        return claim_higher(b, a, f"{name_b} above {name_a}{suffix}", digits)
    return claim_level(a, b, f"the seeds do not separate {name_a} and {name_b}{suffix}", digits)
