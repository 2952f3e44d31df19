"""Title and artist normalisation for matching: one comparable form for every provider's spelling.

Providers disagree on case, accents, punctuation, featuring credits ("feat.", "ft.", "(with X)")
and version suffixes ("- 2011 Remaster", "[Radio Edit]"). This module turns a title into its base
words, its version tags and its featured artists, and an artist credit into a set of names, so the
scorer compares like with like; the similarity measures on those forms live here too. Accents
are stripped from Latin letters only: Japanese, Korean and Cyrillic names keep every character,
so they still match themselves and never fold to "".
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# Latin letters NFKD does not decompose.
_LATIN_EXTRA = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ł": "l", "þ": "th", "ð": "d", "ı": "i"}
)
_APOSTROPHES = re.compile(r"['’`´ʼ]")


def _is_latin(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("LATIN")


#: Matching a playlist folds the same names and titles over and over: these pure functions are
#: memoised (bounded), which makes scoring several times faster.
_CACHE = 65536


@functools.lru_cache(maxsize=_CACHE)
def fold_text(text: str | None) -> str:
    """Case-folded words separated by single spaces; accents stripped on Latin letters only."""
    if not text:
        return ""
    if text.isascii():
        s = _APOSTROPHES.sub("", text.casefold()).replace("&", " and ")
        return " ".join("".join(ch if ch.isalnum() else " " for ch in s).split())
    decomposed = unicodedata.normalize("NFKD", text)
    kept: list[str] = []
    base_latin = False
    for ch in decomposed:
        if unicodedata.combining(ch):
            if not base_latin:
                kept.append(ch)  # e.g. the Japanese voiced mark: part of the letter
            continue
        base_latin = _is_latin(ch)
        kept.append(ch)
    s = unicodedata.normalize("NFC", "".join(kept)).casefold().translate(_LATIN_EXTRA)
    s = _APOSTROPHES.sub("", s).replace("&", " and ")
    out = [ch if ch.isalnum() or unicodedata.combining(ch) else " " for ch in s]
    return " ".join("".join(out).split())


# --- version tags ------------------------------------------------------------------------------

#: Tag → patterns (matched on folded text, as whole words). Order matters: "radio edit" is found
#: before the bare "edit".
_VERSION_PATTERNS: tuple[tuple[str, str], ...] = (
    ("karaoke", r"karaoke|in the style of|made famous by|originally performed by"),
    ("tribute", r"tribute|as made famous"),
    ("cover", r"cover|covered by"),
    ("instrumental", r"instrumental|inst"),
    ("acapella", r"a ?cappella|a ?capella|acapella"),
    ("sped_up", r"sped up|speed up|nightcore"),
    ("slowed", r"slowed and reverb|slowed|reverb"),
    ("radio_edit", r"radio edit|radio version|radio mix|single edit"),
    ("extended", r"extended mix|extended version|extended|club mix|12 inch|12 version"),
    ("live", r"live at|live from|live in|live|unplugged|in concert"),
    ("acoustic", r"acoustic|stripped"),
    ("remaster", r"\d{4} remaster|remastered \d{4}|remastered|remaster|\d{4} mix|mono|stereo"),
    ("remix", r"remix|rmx|mix|rework|bootleg|vip|flip|dub|re edit|reedit|mashup|mash up"),
    ("edit", r"edit"),
    ("rerecorded", r"re recorded|rerecorded|taylors version|\d{4} version"),
    ("demo", r"demo"),
    ("orchestral", r"orchestral|symphonic"),
)
_VERSION_RES = tuple(
    (tag, re.compile(rf"(?:^| )(?:{pat})(?: |$)")) for tag, pat in _VERSION_PATTERNS
)
#: Descriptors that name the original itself; they must not count as "a version".
_NEUTRAL = re.compile(
    r"^(original|original mix|original version|album version|single version|main version|"
    r"clean|explicit|dirty|radio|bonus track|single|lp version|from [a-z0-9 ]+)$"
)

_FEAT_RE = re.compile(r"^(?:feat|ft|featuring|with)\.?\s+(.*)$", re.IGNORECASE)
_PROD_RE = re.compile(r"^(?:prod|produced)\.?\s+(?:by\s+)?\S", re.IGNORECASE)
_INLINE_FEAT_RE = re.compile(r"\s[\(\[]?(?:feat|ft|featuring)\.?\s+(.+)$", re.IGNORECASE)
_BRACKET_RE = re.compile(r"[\(\[\{（【]([^\)\]\}）】]*)[\)\]\}）】]")
_DASH_RE = re.compile(r"\s[-–—]\s")


def version_tags(text: str | None) -> frozenset[str]:
    """Version tags named anywhere in ``text`` ("Radio Edit" → {"radio_edit"})."""
    folded = fold_text(text)
    if not folded or _NEUTRAL.match(folded):
        return frozenset()
    tags: set[str] = set()
    rest = folded
    for tag, pattern in _VERSION_RES:
        if pattern.search(rest):
            tags.add(tag)
            rest = pattern.sub(" ", rest)  # "radio edit" must not also count as "edit"
    if "mono" in folded.split() or "stereo" in folded.split():
        tags.discard("remix")
    return frozenset(tags)


@dataclass(frozen=True, slots=True)
class TitleParts:
    """A title taken apart: what to compare, which version it is, and who is featured."""

    base: str  # folded words of the title without version/featuring parts
    full: str  # folded words of the whole title
    core: str  # folded words outside any brackets ("Venom (Music From …)" → "venom")
    versions: frozenset[str]
    descriptors: tuple[str, ...]  # folded text of each version part ("david guetta remix")
    featured: tuple[str, ...]  # raw featured artist names


@functools.lru_cache(maxsize=_CACHE)
def parse_title(title: str | None) -> TitleParts:
    """Split "Song (feat. X) [Radio Edit] - 2011 Remaster" into base, versions and featured."""
    raw = (title or "").strip()
    featured: list[str] = []
    descriptors: list[str] = []
    versions: set[str] = set()
    kept: list[str] = []

    def take_part(part: str) -> bool:
        """Consume a bracket or dash part if it is a credit or a version; keep it otherwise."""
        part = part.strip()
        feat = _FEAT_RE.match(part)
        if feat:
            featured.extend(split_artists([feat.group(1)]))
            return True
        if _PROD_RE.match(part):
            return True
        tags = version_tags(part)
        if tags or _NEUTRAL.match(fold_text(part)):
            versions.update(tags)
            if tags:
                descriptors.append(fold_text(part))
            return True
        return False

    def strip_brackets(m: re.Match[str]) -> str:
        return " " if take_part(m.group(1)) else m.group(0)

    body = _BRACKET_RE.sub(strip_brackets, raw)
    pieces = _DASH_RE.split(body)
    body = pieces[0]
    for piece in pieces[1:]:
        if not take_part(piece):
            body += " - " + piece
    inline = _INLINE_FEAT_RE.search(body)
    if inline:
        featured.extend(split_artists([inline.group(1)]))
        body = body[: inline.start()]
    kept.append(body)
    base = fold_text(" ".join(kept))
    return TitleParts(
        base=base or fold_text(raw),
        full=fold_text(raw),
        core=fold_text(_strip_inline_feat(_DASH_RE.split(_BRACKET_RE.sub(" ", raw))[0]))
        or base
        or fold_text(raw),
        versions=frozenset(versions),
        descriptors=tuple(descriptors),
        featured=tuple(featured),
    )


def _strip_inline_feat(text: str) -> str:
    inline = _INLINE_FEAT_RE.search(text)
    return text[: inline.start()] if inline else text


# --- artists -----------------------------------------------------------------------------------

_ARTIST_SPLIT = re.compile(
    r"\s*(?:,|;|/|&|\+|×|\s(?:x|and|vs\.?|versus|with|feat\.?|ft\.?|featuring)\s)\s*",
    re.IGNORECASE,
)


def split_artists(artists: Iterable[str | None]) -> tuple[str, ...]:
    """Every individual name in a credit list: "A feat. B & C" → ("A", "B", "C")."""
    names: list[str] = []
    for credit in artists:
        if not credit:
            continue
        for name in _ARTIST_SPLIT.split(credit):
            name = name.strip(" .()[]")
            if name and name not in names:
                names.append(name)
    return tuple(names)


def artist_keys(artists: Iterable[str | None]) -> frozenset[str]:
    """Folded names for set comparison; whole credits are kept too ("Hall & Oates" stays one)."""
    keys = {fold_text(name) for name in split_artists(artists)}
    keys |= {fold_text(a) for a in artists if a}
    keys.discard("")
    # "The Beatles" and "Beatles" are the same act.
    keys |= {k[4:] for k in keys if k.startswith("the ") and len(k) > 4}
    return frozenset(keys)


def scripts(text: str | None) -> frozenset[str]:
    """The writing systems of the letters in ``text`` ("LATIN", "CJK", "HANGUL", "CYRILLIC", ...).

    Two names in disjoint scripts ("高橋洋子" / "Yoko Takahashi") cannot be compared letter by
    letter: the scorer treats them as unknown rather than as a mismatch or a match.
    """
    found: set[str] = set()
    for ch in text or "":
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            found.add(name.split(" ", 1)[0] if name else "UNKNOWN")
    return frozenset(found)


def comparable(a: str | None, b: str | None) -> bool:
    sa, sb = scripts(a), scripts(b)
    return not sa or not sb or bool(sa & sb)


# --- similarity --------------------------------------------------------------------------------


@functools.lru_cache(maxsize=_CACHE)
def similarity(a: str, b: str) -> float:
    """0..1: the better of character similarity and word-order-insensitive similarity."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    direct = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    sa, sb = " ".join(sorted(a.split())), " ".join(sorted(b.split()))
    by_words = difflib.SequenceMatcher(None, sa, sb, autojunk=False).ratio()
    return max(direct, by_words)


def title_similarity(w: TitleParts, c: TitleParts) -> float:
    """Best of base/full/bracket-free comparisons; a different number ("Song 2", "Part 1") cuts.

    Numbers inside the base title tell sequels and parts apart even when the rest is equal,
    so they are checked on ``base``, which keeps brackets that are not versions ("(Part 2)").
    """
    sim = max(
        similarity(w.base, c.base),
        similarity(w.full, c.full),
        0.95 * similarity(w.core, c.core),
    )
    if _numbers(w.base) != _numbers(c.base):
        sim *= 0.6
    return sim


def _numbers(text: str) -> frozenset[str]:
    return frozenset(t.lstrip("0") or "0" for t in text.split() if t.isdigit())


def artist_similarity(wanted: Iterable[str], candidate: Iterable[str]) -> float | None:
    """Order-insensitive set comparison; featuring credits count as artists on both sides.

    One shared name gives a high score (featuring credits are often missing on one side); more
    shared names raise it. No shared name falls back to the closest spelling, scaled down.
    """
    w, c = artist_keys(wanted), artist_keys(candidate)
    if not w or not c:
        return None
    w_names = {fold_text(n) for n in split_artists(wanted)} or w
    c_names = {fold_text(n) for n in split_artists(candidate)} or c

    def hit(name: str, pool: frozenset[str]) -> bool:
        return any(name == p or _same_name(name, p) for p in pool)

    if not (w & c) and not any(hit(n, c) for n in w):
        best = max(similarity(a, b) for a in w for b in c)
        return 0.5 * best
    shared = sum(1 for n in w_names if hit(n, c))
    coverage = shared / max(len(w_names), len(c_names))
    return 0.8 + 0.2 * min(1.0, coverage)


def _same_name(a: str, b: str) -> bool:
    """Spelling variants, or a multi-word name inside a longer one ("hall and oates").

    A single word never counts as contained: "queen" is not "queen latifah".
    """
    if similarity(a, b) >= 0.88:
        return True
    ta, tb = a.split(), b.split()
    short, long = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    return len(short) >= 2 and set(short) <= set(long)


def descriptor_words(descriptors: Iterable[str]) -> str:
    """What is left of "Alesso Remix" once the version words go: whose version it is."""
    words = " ".join(descriptors).split()
    return " ".join(x for x in words if x not in _VERSION_WORDS and not x.isdigit())


_VERSION_WORDS = frozenset(
    "remix mix rmx edit version rework bootleg vip live at in from the club extended radio "  # noqa: SIM905
    "original dub re recorded taylors".split()
)


def normalise_isrc(isrc: str | None) -> str | None:
    """Upper-case, no dashes or spaces; None unless it has the ISRC shape (CC-XXX-YY-NNNNN)."""
    if not isrc:
        return None
    s = re.sub(r"[\s-]", "", isrc).upper()
    return s if re.fullmatch(r"[A-Z]{2}[A-Z0-9]{3}\d{7}", s) else None
