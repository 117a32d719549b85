#!/usr/bin/env python3
"""Draws the iOS app icon, ios/App/Resources/Assets.xcassets/AppIcon.appiconset/AppIcon.png:
1024x1024, RGB with no alpha channel (App Store Connect refuses an icon with alpha).

The design is the Android launcher icon's (android/app/src/main/res: the vector
drawable/ic_launcher_foreground.xml on @color/ic_launcher_background): a thick mint three-quarter
ring, the readiness gauge, open at the bottom left, on dark teal. The numbers below are that
vector's, in its 108-unit viewport; the PNG shows the middle 72 units, the part of an adaptive
icon that launchers show. Edges are anti-aliased from each pixel's distance to the ring.
Standard library only (zlib and struct).

Usage: scripts/app-icon.py [OUTPUT.png]   (run it again after changing the design; commit the PNG)
"""

import math
import struct
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "ios/App/Resources/Assets.xcassets/AppIcon.appiconset/AppIcon.png"

SIZE = 1024
BACKGROUND = (0x0F, 0x3D, 0x3E)
RING = (0x7B, 0xE0, 0xAD)
CENTRE, RADIUS, STROKE = 54.0, 20.0, 10.0  # the vector's arc and stroke width
SHOWN = (18.0, 90.0)  # the part of the 108-unit layer the PNG covers
# The arc, in degrees clockwise from 3 o'clock (y points down): from 9 o'clock (180) over the top
# to 6 o'clock (90, plus a turn). The bottom-left quarter is the gap; the ends are round caps.
START, END = 180.0, 450.0
ENDS = [
    (CENTRE + RADIUS * math.cos(math.radians(a)), CENTRE + RADIUS * math.sin(math.radians(a)))
    for a in (START, END)
]


def distance_to_arc(x: float, y: float) -> float:
    """Distance from (x, y) to the arc's centre line: to the circle within the arc's angles, else to
    the nearer end (which, with the stroke's half width around it, makes the round cap)."""
    angle = math.degrees(math.atan2(y - CENTRE, x - CENTRE)) % 360
    if angle < START:
        angle += 360
    if angle <= END:
        return abs(math.hypot(x - CENTRE, y - CENTRE) - RADIUS)
    return min(math.hypot(x - cx, y - cy) for cx, cy in ENDS)


def coverage(x: float, y: float, unit: float) -> float:
    """How much of the pixel centred at (x, y) the ring covers: a smoothstep over one pixel
    (`unit` viewport units wide) across the stroke's edge."""
    inside = (STROKE / 2 - distance_to_arc(x, y)) / unit  # in pixels, positive inside
    t = min(max(inside + 0.5, 0.0), 1.0)
    return t * t * (3 - 2 * t)


def pixels() -> bytes:
    """The image as PNG scanlines: each row is filter type 0 (none), then R, G, B per pixel."""
    unit = (SHOWN[1] - SHOWN[0]) / SIZE
    rows = bytearray()
    for row in range(SIZE):
        rows.append(0)
        y = SHOWN[0] + (row + 0.5) * unit
        for column in range(SIZE):
            a = coverage(SHOWN[0] + (column + 0.5) * unit, y, unit)
            rows.extend(round(b + (r - b) * a) for b, r in zip(BACKGROUND, RING))
    return bytes(rows)


def png(width: int, height: int, scanlines: bytes) -> bytes:
    """A PNG of 8-bit RGB (colour type 2) from its scanlines."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(scanlines, 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(png(SIZE, SIZE, pixels()))
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
