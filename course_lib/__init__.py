"""course_lib: the shared library of the interactive CNN course.

Subpackages hold one concept each (ops, data, models, training, complexity, explorers, grading).
Importing this package does nothing but define names: no seeding, no device probing.
"""

from .profile import PROFILES, Profile, get_profile
from .runtime import Runtime, choose_device, seed_everything, setup

__version__ = "0.1.0"

__all__ = [
    "PROFILES",
    "Profile",
    "Runtime",
    "choose_device",
    "get_profile",
    "seed_everything",
    "setup",
]
