"""Writes the calling screen's chime (``static/counterqueue/chime.wav``): two soft tones, 8 kHz
8-bit mono, under 10 kB, so that nothing is fetched from elsewhere. Run
``python -m motcua.counterqueue.sound`` to regenerate it."""

from __future__ import annotations

import math
import wave
from pathlib import Path

TARGET = Path(__file__).parent / "static" / "counterqueue" / "chime.wav"
RATE = 8000


def chime_frames() -> bytes:
    out = bytearray()
    for freq, seconds in ((880.0, 0.35), (660.0, 0.55)):
        n = int(RATE * seconds)
        for i in range(n):
            envelope = min(1.0, i / 200) * (1 - i / n) ** 1.5
            sample = math.sin(2 * math.pi * freq * i / RATE) * envelope * 0.6
            out.append(int(128 + 127 * sample))
    return bytes(out)


def write(path: Path = TARGET) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(RATE)
        w.writeframes(chime_frames())
    return path


if __name__ == "__main__":  # pragma: no cover
    print(write())
