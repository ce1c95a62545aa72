"""Small, structurally valid images built in code (no image library in the test extras)."""

from __future__ import annotations

import struct
import zlib


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    """A real RGB PNG (grey pixels)."""
    raw = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", zlib.compress(raw))
        + _chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    """A baseline JPEG's segment structure: SOI, APP0 (JFIF), DQT, SOF0, DHT, SOS, data, EOI."""

    def seg(marker: int, payload: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload

    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    dqt = b"\x00" + bytes([1] * 64)
    sof = b"\x08\x00\x01\x00\x01\x01\x01\x11\x00"
    dht = b"\x00" + bytes([1] + [0] * 15) + b"\x00"
    sos = b"\x01\x01\x00\x00\x3f\x00"
    return (
        b"\xff\xd8"
        + seg(0xE0, app0)
        + seg(0xDB, dqt)
        + seg(0xC0, sof)
        + seg(0xC4, dht)
        + seg(0xDA, sos)
        + b"\x00\x00"
        + b"\xff\xd9"
    )
