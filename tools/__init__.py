"""The maintainers' tools, run from a checkout and never installed with course_lib: notebook
normalizing and execution, exercise generation, the book's npm asset fetcher, the book helpers the
tests use, and the Colab publish check. Run them as `python -m tools.<name>` from the repository
root (the Makefile does); learners never need them.
"""
