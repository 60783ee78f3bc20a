"""Read back what a render drew: patches and texts tagged with a gid, and the numbers in the
cells of a `show_matrix` panel. Shared by the explorer tests."""

from __future__ import annotations


def patches(fig, prefix: str) -> list:
    """The patches of any axes of `fig` whose gid starts with `prefix`."""
    return [a for ax in fig.axes for a in ax.patches if (a.get_gid() or "").startswith(prefix)]


def text(fig, gid: str) -> str:
    """The one text (figure- or axes-level) tagged `gid`."""
    (found,) = [t for t in fig.texts + [t for ax in fig.axes for t in ax.texts]
                if t.get_gid() == gid]
    return found.get_text()


def cells(ax) -> dict[tuple[int, int], float]:
    """{(row, col): value} from the numbers drawn at the cell centres of `ax`."""
    return {(round(t.get_position()[1]), round(t.get_position()[0])):
            float(t.get_text().replace("\u2212", "-")) for t in ax.texts}
