"""Draw the ribbon icons (16, 32 and 80 px PNG) without Pillow: white pictograms on coloured rounded squares.

    python addin/make_icons.py        # rewrites kaigo_xl/excel/xlwings_project/static/images/icons/*.png

Shapes are described in a 0…1 square (lines with a width, rectangles) and rasterised with 4×4 supersampling.
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "kaigo_xl/excel/xlwings_project/static/images/icons"
SIZES = (16, 32, 80)
SAMPLES = 4

Line = tuple[str, tuple[tuple[float, float], ...], float]  # ("line", points, width)
Rect = tuple[str, tuple[float, float, float, float], float]  # ("rect", (x0, y0, x1, y1), 0) white
Hole = tuple[str, tuple[float, float, float, float], float]  # ("hole", …) background colour again

DOC = ("rect", (0.26, 0.16, 0.74, 0.84), 0.0)
ICONS: dict[str, tuple[tuple[int, int, int], list]] = {
    # the add-in: a plus in a circle-like square (care)
    "kaigo": ((0x2E, 0x7D, 0x32), [("line", ((0.5, 0.24), (0.5, 0.76)), 0.16),
                                   ("line", ((0.24, 0.5), (0.76, 0.5)), 0.16)]),
    # 入力チェック: a check mark
    "validate": ((0x15, 0x65, 0xC0), [("line", ((0.24, 0.52), (0.43, 0.71), (0.77, 0.31)), 0.12)]),
    # 計画書: a page with lines
    "plan": ((0x6A, 0x1B, 0x9A), [DOC] + [("hole", (0.34, y, 0.66, y + 0.06), 0.0) for y in (0.3, 0.45, 0.6)]),
    # 実績報告書: a page with a check
    "report": ((0xEF, 0x6C, 0x00), [DOC, ("hole_line", ((0.35, 0.52), (0.46, 0.64), (0.66, 0.38)), 0.08)]),
    # 支払予定表: a calendar
    "payment": ((0xC6, 0x28, 0x28), [("rect", (0.2, 0.24, 0.8, 0.8), 0.0), ("rect", (0.2, 0.24, 0.8, 0.36), 0.0)]
                + [("hole", (x, y, x + 0.1, y + 0.09), 0.0) for x in (0.28, 0.45, 0.62) for y in (0.44, 0.62)]),
}


def _seg_dist(px: float, py: float, a: tuple[float, float], b: tuple[float, float]) -> float:
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def _inside(shape, x: float, y: float) -> bool:
    kind, geo, width = shape
    if kind in ("line", "hole_line"):
        return any(_seg_dist(x, y, geo[i], geo[i + 1]) <= width / 2 for i in range(len(geo) - 1))
    x0, y0, x1, y1 = geo
    return x0 <= x <= x1 and y0 <= y <= y1


def _background(x: float, y: float, radius: float = 0.18) -> bool:
    cx, cy = min(max(x, radius), 1 - radius), min(max(y, radius), 1 - radius)
    return math.hypot(x - cx, y - cy) <= radius


def render(size: int, rgb: tuple[int, int, int], shapes: list) -> bytes:
    rows = []
    for py in range(size):
        row = bytearray([0])  # PNG filter: none
        for px in range(size):
            bg = white = 0
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    x, y = (px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size
                    if not _background(x, y):
                        continue
                    bg += 1
                    on = False
                    for shape in shapes:
                        if _inside(shape, x, y):
                            on = shape[0] in ("line", "rect")
                    white += on
            n = SAMPLES * SAMPLES
            alpha = round(255 * bg / n)
            mix = white / bg if bg else 0
            row += bytes(round(c + (255 - c) * mix) for c in rgb) + bytes([alpha])
        rows.append(bytes(row))

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + chunk(b"IEND", b""))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (rgb, shapes) in ICONS.items():
        for size in SIZES:
            (OUT / f"{name}-{size}.png").write_bytes(render(size, rgb, shapes))
    print(f"{len(ICONS) * len(SIZES)} icons in {OUT}")


if __name__ == "__main__":
    main()
