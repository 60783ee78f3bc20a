"""Authoring tools for the course's maintainers: notebook normalization and execution, and the
generation of student exercise notebooks from their solution sources. Learners never need these.
"""

__all__: list[str] = []
