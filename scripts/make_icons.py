"""Regenerate the Teams app icons in manifest/ (run: .venv/bin/python scripts/make_icons.py).

The symbol is three overlapping speech bubbles (a forum of voices), drawn white and separated by gaps:
- color.png: 192×192, solid accent-colour background, symbol inside the central 96×96 (48 px padding);
- outline.png: 32×32, white (255, 255, 255) symbol on a fully transparent background, no padding.
Shapes are drawn on a large mask and downsampled so edges are anti-aliased through alpha/blending only.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
MANIFEST_DIR = ROOT / "manifest"
ACCENT = (0x1F, 0x6F, 0x8B)  # keep in sync with accentColor in manifest/manifest.json
WHITE = (255, 255, 255)
SUPERSAMPLE = 16

# Bubbles in unit coordinates, back to front: ellipse box (x0, y0, x1, y1) and tail triangle.
Point = tuple[float, float]
BUBBLES: list[tuple[tuple[float, float, float, float], tuple[Point, Point, Point]]] = [
    ((0.00, 0.00, 0.62, 0.46), ((0.12, 0.34), (0.30, 0.42), (0.04, 0.58))),
    ((0.40, 0.12, 1.00, 0.56), ((0.70, 0.50), (0.88, 0.44), (0.98, 0.70))),
    ((0.16, 0.40, 0.84, 0.86), ((0.38, 0.78), (0.60, 0.80), (0.40, 1.00))),
]
GAP = 0.06  # width of the separating cut around each front bubble, in unit coordinates


def _draw_bubble(
    draw: ImageDraw.ImageDraw,
    size: int,
    box: tuple[float, float, float, float],
    tail: tuple[Point, Point, Point],
    grow: float,
    fill: int,
) -> None:
    x0, y0, x1, y1 = box
    draw.ellipse(
        [(x0 - grow) * size, (y0 - grow) * size, (x1 + grow) * size, (y1 + grow) * size],
        fill=fill,
    )
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    points = []
    for px, py in tail:
        # push tail corners away from the bubble centre so the cut surrounds the tail too
        dx, dy = px - cx, py - cy
        norm = max((dx * dx + dy * dy) ** 0.5, 1e-9)
        points.append(((px + grow * dx / norm) * size, (py + grow * dy / norm) * size))
    draw.polygon(points, fill=fill)


def symbol_mask(pixels: int) -> Image.Image:
    """An 'L' mask of the symbol filling a pixels×pixels square (255 = symbol)."""
    size = pixels * SUPERSAMPLE
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    margin = GAP  # keep the cut of the outer shapes inside the canvas
    scale = 1 - 2 * margin
    for index, (box, tail) in enumerate(BUBBLES):
        sbox = (
            margin + box[0] * scale,
            margin + box[1] * scale,
            margin + box[2] * scale,
            margin + box[3] * scale,
        )
        stail = tuple((margin + x * scale, margin + y * scale) for x, y in tail)
        assert len(stail) == 3
        triangle: tuple[Point, Point, Point] = (stail[0], stail[1], stail[2])
        if index > 0:
            _draw_bubble(draw, size, sbox, triangle, GAP, 0)
        _draw_bubble(draw, size, sbox, triangle, 0.0, 255)
    bbox = mask.getbbox()
    if bbox is None:
        raise RuntimeError("empty symbol")
    # crop to the drawn shape and stretch back to the square so the outline icon has no padding
    cropped = mask.crop(bbox).resize((size, size), Image.Resampling.LANCZOS)
    return cropped.resize((pixels, pixels), Image.Resampling.LANCZOS)


def color_icon() -> Image.Image:
    icon = Image.new("RGB", (192, 192), ACCENT)
    symbol = Image.new("RGB", (96, 96), WHITE)
    icon.paste(symbol, (48, 48), symbol_mask(96))
    return icon


def outline_icon() -> Image.Image:
    alpha = symbol_mask(32)
    icon = Image.new("RGBA", (32, 32), (*WHITE, 0))
    icon.putalpha(alpha)
    return icon


def main(out_dir: Path = MANIFEST_DIR) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    color_icon().save(out_dir / "color.png", optimize=True)
    outline_icon().save(out_dir / "outline.png", optimize=True)
    print(f"wrote {out_dir / 'color.png'} and {out_dir / 'outline.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
