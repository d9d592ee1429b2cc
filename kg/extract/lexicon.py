"""Helpers shared by the steps' lexicons."""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """The words of a lexicon written as one string, one word after another."""
    return frozenset(text.split())
