"""Musical keys: pitch class + mode, and the classic, Camelot and Open Key notations DJs use.

One internal form, ``Key(pitch_class, mode)`` with Spotify's convention (C=0 … B=11; mode 1 =
major, 0 = minor), so every provider value and every tag a user types lands in the same place.
The wheel numbers come from the formulas in research/mission.md §3 (checked there against Mixxx
``keyutils.cpp``), not from a hand-typed table, so they cannot drift.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

MAJOR = 1
MINOR = 0

Notation = Literal["classic", "camelot", "open_key"]
NOTATIONS: tuple[Notation, ...] = ("classic", "camelot", "open_key")

#: Compatibility presets (mission.md §3 and §5 item 3): strict is the Mixed In Key / Mixxx set.
Rule = Literal["strict", "relaxed", "creative"]

#: Sharps, as DJ software prints them by default; flats are accepted when parsing.
_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
_LETTER_PC = {"c": 0, "d": 2, "e": 4, "f": 5, "g": 7, "a": 9, "b": 11}


class Key(NamedTuple):
    """A key as (pitch_class, mode); a plain tuple, so ``(9, 0) == Key(9, 0)``."""

    pitch_class: int
    mode: int

    @property
    def is_minor(self) -> bool:
        return self.mode == MINOR

    def format(self, notation: Notation = "camelot") -> str:
        return format_key(self.pitch_class, self.mode, notation)


def _check(pc: int, mode: int) -> None:
    if not (isinstance(pc, int) and 0 <= pc <= 11) or mode not in (MAJOR, MINOR):
        raise ValueError(f"not a key: pitch class {pc!r}, mode {mode!r}")


def camelot_number(pc: int, mode: int) -> int:
    """1..12 on the wheel; a minor key sits on its relative major's number."""
    _check(pc, mode)
    major_pc = pc if mode == MAJOR else (pc + 3) % 12
    return ((7 * major_pc) % 12 + 7) % 12 + 1


def open_key_number(pc: int, mode: int) -> int:
    return (camelot_number(pc, mode) + 4) % 12 + 1


def traktor_value(pc: int, mode: int) -> int:
    """Traktor NML ``MUSICAL_KEY VALUE``: 0-11 major, 12-23 minor."""
    _check(pc, mode)
    return pc if mode == MAJOR else pc + 12


def format_key(pc: int, mode: int, notation: Notation = "camelot") -> str:
    """``(9, 0)`` → "Am" (classic), "8A" (Camelot), "1m" (Open Key)."""
    _check(pc, mode)
    if notation == "classic":
        return _NAMES[pc] + ("m" if mode == MINOR else "")
    if notation == "camelot":
        return f"{camelot_number(pc, mode)}{'A' if mode == MINOR else 'B'}"
    if notation == "open_key":
        return f"{open_key_number(pc, mode)}{'m' if mode == MINOR else 'd'}"
    raise ValueError(f"unknown key notation {notation!r}; expected one of {NOTATIONS}")


# Inverse tables, built from the formulas above.
_FROM_CAMELOT = {(camelot_number(pc, m), m): Key(pc, m) for pc in range(12) for m in (MAJOR, MINOR)}
_FROM_OPEN_KEY = {
    (open_key_number(pc, m), m): Key(pc, m) for pc in range(12) for m in (MAJOR, MINOR)
}

_WHEEL_RE = re.compile(r"^(0?[1-9]|1[0-2])\s*([abdm])$")
_CLASSIC_RE = re.compile(
    r"^([a-g])\s*(#|b|sharp|flat)?\s*(m|min|minor|maj|major)?$",
)


def parse_key(text: str | None) -> Key | None:
    """Any of "Am", "A minor", "A♭", "Bbm", "C# major", "8A", "08a", "1m", "6d" → a Key.

    Returns None for anything that is not clearly a key (empty, "o" for off-key, garbage): a
    guessed key is worse than none.
    """
    if not text:
        return None
    s = text.strip().replace("♯", "#").replace("♭", "b").replace("-", " ")
    s = re.sub(r"\s+", " ", s)
    wheel = _WHEEL_RE.match(s.lower())
    if wheel:
        num, letter = int(wheel.group(1)), wheel.group(2)
        if letter in "ab":
            return _FROM_CAMELOT[(num, MINOR if letter == "a" else MAJOR)]
        return _FROM_OPEN_KEY[(num, MINOR if letter == "m" else MAJOR)]
    # Classic, case-insensitive: a "b" right after the note letter is a flat ("Bbm" = B♭ minor).
    m = _CLASSIC_RE.match(s.lower())
    if not m:
        return None
    pc = _LETTER_PC[m.group(1)]
    accidental = m.group(2)
    if accidental in ("#", "sharp"):
        pc = (pc + 1) % 12
    elif accidental in ("b", "flat"):
        pc = (pc - 1) % 12
    quality = m.group(3)
    mode = MINOR if quality in ("m", "min", "minor") else MAJOR
    return Key(pc, mode)


def from_spotify(key: int | None, mode: int | None) -> Key | None:
    """Spotify/ReccoBeats ``key``/``mode``; key -1 (or anything out of range) means unknown."""
    if not isinstance(key, int) or isinstance(key, bool) or not 0 <= key <= 11:
        return None
    if mode not in (MAJOR, MINOR) or isinstance(mode, bool):
        return None
    return Key(key, mode)


def relative(pc: int, mode: int) -> Key:
    """Relative major/minor: same notes, same Camelot number, other letter."""
    _check(pc, mode)
    return Key((pc + 3) % 12, MAJOR) if mode == MINOR else Key((pc - 3) % 12, MINOR)


def _step(pc: int, mode: int, steps: int, *, switch: bool = False) -> Key:
    num = (camelot_number(pc, mode) - 1 + steps) % 12 + 1
    new_mode = (MAJOR if mode == MINOR else MINOR) if switch else mode
    return _FROM_CAMELOT[(num, new_mode)]


def compatible_keys(pc: int, mode: int, rule: Rule = "strict") -> tuple[Key, ...]:
    """Keys that mix harmonically with ``(pc, mode)``, the key itself first.

    strict: same, ±1 on the wheel, relative (Mixed In Key / Mixxx). relaxed adds the diagonals
    (±1 with a letter switch). creative adds the +2 energy boost and +7 (one semitone up).
    """
    keys = [Key(pc, mode), _step(pc, mode, -1), _step(pc, mode, +1), relative(pc, mode)]
    if rule in ("relaxed", "creative"):
        keys += [_step(pc, mode, -1, switch=True), _step(pc, mode, +1, switch=True)]
    if rule == "creative":
        keys += [_step(pc, mode, +2), _step(pc, mode, +7)]
    elif rule != "strict" and rule != "relaxed":
        raise ValueError(f"unknown compatibility rule {rule!r}")
    return tuple(dict.fromkeys(keys))


def is_relative_swap(a: Key, b: Key) -> bool:
    """True when two readings are each other's relative major/minor (a common detector slip)."""
    return a.mode != b.mode and relative(*a) == b
