"""course_lib: the shared library of the interactive CNN course.

Subpackages hold one layer each: ops (NumPy operations), data, models, training, visualize,
explorers, grading and authoring (book and exercise tools); top-level modules hold one concept
each (receptive_field, complexity, claims, …). Importing this package does nothing but define
names, loaded on first use (see `lazy.py`): no torch, no seeding, no device probing.
"""

from .lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS = {
    ".profile": ("PROFILES", "Profile", "get_profile"),
    ".runtime": ("Runtime", "choose_device", "seed_everything", "setup"),
}
__all__ = sorted(name for names in _EXPORTS.values() for name in names)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
