"""Where the labels of a scatter go, so that teams with nearly the same scores do not print
their names over each other (the quadrant chart)."""

from __future__ import annotations

# Where a quadrant label may go beside its point, in points: right above, right below, left.
LABEL_PLACES = ((7, 5, "left"), (7, -14, "left"), (-7, 5, "right"), (-7, -14, "right"))


def label_places(points: list[dict], limits: list[float]) -> list[tuple[int, int, str]]:
    """A place for each label that does not cover a label placed before it: teams with
    nearly the same scores would otherwise print their names over each other. Boxes are
    estimated in axes fractions (about 6 pt a character and 14 pt a line on this figure)."""
    x_min, x_max, y_min, y_max = limits
    placed: list[tuple[float, float, float, float]] = []
    chosen = []
    for p in points:
        fx = (p["x"] - x_min) / (x_max - x_min)
        fy = (p["y"] - y_min) / (y_max - y_min)
        width, height = len(p["label"]) * 6 / 460, 14 / 360
        for dx, dy, align in LABEL_PLACES:
            left = fx + dx / 460 - (width if align == "right" else 0)
            bottom = fy + dy / 360
            box = (left, bottom, left + width, bottom + height)
            if not any(overlap(box, other) for other in placed):
                break
        placed.append(box)
        chosen.append((dx, dy, align))
    return chosen


def overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
