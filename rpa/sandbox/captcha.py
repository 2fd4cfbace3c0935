"""A distorted-text CAPTCHA a person can read: tilted, shifted letters over noise lines, as SVG."""

from __future__ import annotations

import random
from html import escape

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""No 0/O or 1/I, which a person could not tell apart."""
WIDTH, HEIGHT = 220, 70


def new_challenge(rng: random.Random, length: int = 6) -> str:
    return "".join(rng.choice(_ALPHABET) for _ in range(length))


def render_svg(text: str, rng: random.Random) -> str:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">',
        '<rect width="100%" height="100%" fill="#eef1f5"/>',
    ]
    for _ in range(7):
        x1, x2 = rng.randint(0, WIDTH), rng.randint(0, WIDTH)
        y1, y2 = rng.randint(0, HEIGHT), rng.randint(0, HEIGHT)
        parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#8a94a6" stroke-width="{rng.randint(1, 3)}"/>')
    step = (WIDTH - 30) / len(text)
    for index, char in enumerate(text):
        x = 18 + index * step + rng.uniform(-4, 4)
        y = 46 + rng.uniform(-8, 8)
        angle = rng.uniform(-28, 28)
        parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" transform="rotate({angle:.1f} {x:.1f} {y:.1f}) skewX({rng.uniform(-15, 15):.1f})" '
            f'font-family="Georgia, serif" font-size="{rng.randint(28, 36)}" fill="#2b3a55">{escape(char)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
