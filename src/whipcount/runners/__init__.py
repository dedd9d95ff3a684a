"""Runners map the pure per-chunk function ``process()`` over many articles."""
