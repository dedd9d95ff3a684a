"""Text repair for NLP with an offset map back to ``Article.text``.

(Scaffold: identity. To be replaced by the real repair.)
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Prepared:
    """Repaired text plus, for each of its characters, the offset in the original."""

    original: str
    text: str
    offsets: list[int]  # len(text) + 1 entries; offsets[len(text)] == len(original)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of ``text`` to the span of ``original`` it came from."""
        if end <= start:
            o = self.offsets[start]
            return o, o
        return self.offsets[start], self.offsets[end - 1] + 1


def prepare(text: str) -> Prepared:
    return Prepared(text, text, list(range(len(text) + 1)))
