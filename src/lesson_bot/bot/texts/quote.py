"""What a user typed, shown back to them: bounded, so an answer never grows with the input it quotes."""

from __future__ import annotations

from html import escape

QUOTE_MAX = 60  # characters of a user's input an answer repeats; a longer one is cut and ends with …


def quoted(value: object, limit: int = QUOTE_MAX) -> str:
    """`value` as text for an HTML answer: HTML-escaped, at most `limit` characters (a cut one ends with …)."""
    text = str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return escape(text)
