"""Word lists are written as one string of space-separated words: easy to read and
to extend."""

from __future__ import annotations


def word_set(words: str) -> frozenset[str]:
    """``word_set("was were")`` -> ``frozenset({"was", "were"})``."""
    return frozenset(words.split())
