"""Candidate matching: score what a provider offered against what we look for, and decide.

A wrong match is worse than none: a cover's BPM or a remix's key attached to the original poisons
a DJ's set silently, while a gap is visible and can be filled or pinned. So the scorer gates on
title and artists, treats an ISRC mismatch as strong negative evidence, prefers the original over
remixes, edits, live takes, karaoke and covers unless the wanted title asks for that version,
and ``best_match`` attaches nothing below the threshold or on a near-tie between different
versions. Every decision keeps its evidence (all candidates, scores and reasons) for review.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from djdesk.core.engine.text import (
    artist_similarity,
    comparable,
    descriptor_words,
    fold_text,
    normalise_isrc,
    parse_title,
    similarity,
    title_similarity,
)

DEFAULT_THRESHOLD = 0.72
#: Below this title similarity the score is capped at it: "Hello" is not "Hello Again", however
#: well the artist and duration agree (same-artist songs often share a length within 3 s).
TITLE_GATE = 0.75
#: Two candidates this close are a tie: between different versions we refuse to guess.
AMBIGUITY_MARGIN = 0.05
WEIGHTS = {"title": 0.45, "artists": 0.35, "duration": 0.20}

#: How far a version away from the wanted one costs. Remaster/edits keep the recording (same key,
#: BPM) so cost little; remixes, sped-up, karaoke and covers are different audio.
VERSION_PENALTIES: Mapping[str, float] = {
    "remaster": 0.04,
    "radio_edit": 0.08,
    "edit": 0.08,
    "extended": 0.08,
    "rerecorded": 0.12,
    "demo": 0.25,
    "live": 0.25,
    "acoustic": 0.3,
    "orchestral": 0.3,
    "instrumental": 0.25,
    "acapella": 0.35,
    "remix": 0.35,
    "sped_up": 0.4,
    "slowed": 0.4,
    "cover": 0.5,
    "tribute": 0.5,
    "karaoke": 0.5,
}
#: Tags that also show up in artist or album names of karaoke/tribute/cover labels.
_IMPOSTOR_RE = re.compile(
    r"(?:^| )(karaoke|tribute|in the style of|made famous by|originally performed by|"
    r"cover band|covers|sing along|backing track)(?: |$)"
)
_IMPOSTOR_TAG = {"tribute": "tribute", "cover band": "cover", "covers": "cover"}  # else karaoke


@dataclass(frozen=True, slots=True)
class Candidate:
    """One record a provider offered (search hit, ISRC lookup row, MusicBrainz recording)."""

    provider: str
    id: str
    title: str
    artists: tuple[str, ...] = ()
    duration_ms: int | None = None
    isrc: str | None = None
    album: str | None = None
    #: The provider's own popularity (Deezer ``rank``); only a tie-breaker, never evidence.
    rank: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class Wanted:
    """What we look for, from the playlist entry."""

    title: str
    artists: tuple[str, ...] = ()
    duration_ms: int | None = None
    isrc: str | None = None
    album: str | None = None


@dataclass(frozen=True, slots=True)
class MatchScore:
    """A candidate's score, its parts (None = not comparable) and reasons a person can read."""

    total: float
    title: float | None  # None: the titles are in scripts that cannot be compared
    artists: float | None
    duration: float | None
    isrc: bool | None  # True same, False both known and different, None unknown
    penalty: float
    versions: frozenset[str]
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": round(self.total, 3),
            "title": None if self.title is None else round(self.title, 3),
            "artists": None if self.artists is None else round(self.artists, 3),
            "duration": None if self.duration is None else round(self.duration, 3),
            "isrc": self.isrc,
            "penalty": round(self.penalty, 3),
            "versions": sorted(self.versions),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True, slots=True)
class Evidence:
    candidate: Candidate
    score: MatchScore

    def to_dict(self) -> dict[str, Any]:
        """The candidate's own fields, then its score; the score's parts go under ``parts``
        (their names, title/artists/isrc, would otherwise hide the candidate's own)."""
        c = self.candidate
        s = self.score.to_dict()
        return {
            "provider": c.provider,
            "id": c.id,
            "title": c.title,
            "artists": list(c.artists),
            "duration_ms": c.duration_ms,
            "isrc": c.isrc,
            "album": c.album,
            **dict(c.extra),
            "total": s["total"],
            "parts": {k: s[k] for k in ("title", "artists", "duration", "isrc")},
            "penalty": s["penalty"],
            "versions": s["versions"],
            "reasons": s["reasons"],
        }


@dataclass(frozen=True, slots=True)
class Match:
    """The decision: the attached candidate (or None) and the evidence behind it.

    Falsy when nothing is attached, so ``if match:`` reads naturally while the evidence stays
    available for the review screen either way.
    """

    candidate: Candidate | None
    score: MatchScore | None
    reason: str
    evidence: tuple[Evidence, ...]
    threshold: float

    def __bool__(self) -> bool:
        return self.candidate is not None

    def to_dict(self, *, kept: int | None = None, via: str | None = None) -> dict[str, Any]:
        """The stored evidence. ``kept`` keeps only the best few candidates (the chosen one
        always among them) so a track's evidence stays small; each says whether it was chosen
        and, if not, why it was turned down, so a person can review and pin another."""
        chosen = self.candidate
        shown = self.evidence if kept is None else self.evidence[:kept]
        if chosen is not None and all(e.candidate != chosen for e in shown):
            shown = (*shown, *(e for e in self.evidence if e.candidate == chosen))
        candidates = []
        for e in shown:
            entry = e.to_dict()
            entry["chosen"] = chosen is not None and e.candidate == chosen
            entry["rejected"] = None if entry["chosen"] else self.rejection(e)
            if via is not None:
                entry["via"] = via
            candidates.append(entry)
        return {
            "chosen": None if chosen is None else {"provider": chosen.provider, "id": chosen.id},
            "score": None if self.score is None else round(self.score.total, 3),
            "reason": self.reason,
            "threshold": self.threshold,
            "candidates": candidates,
        }

    def rejection(self, e: Evidence) -> str:
        """Why ``e`` was not attached, in a few words: its main fault, else what beat it."""
        if e.score.total < self.threshold:
            return f"below the threshold {self.threshold:.2f}: {_fault(e.score)}"
        if self.candidate is None:
            return "too close to call between versions"
        if self.score is not None and e.score.versions != self.score.versions:
            mine = ", ".join(sorted(e.score.versions)).replace("_", " ") or "the original"
            return f"another version ({mine}) than the chosen one"
        return "the chosen one scored higher or is better known"


def _fault(s: MatchScore) -> str:
    """The reason that cost the most: a gate first, then a version tag, then the weakest part."""
    for reason in s.reasons:
        if reason in ("title does not match", "different artist", "only the title to go on"):
            return reason
        if reason.startswith(("different ISRC", "titles in different scripts")):
            return reason
    for reason in s.reasons:
        text = reason.split(" (-")[0]
        if reason.startswith("candidate is "):
            return "a " + text.removeprefix("candidate is ")
        if reason.startswith("wanted is "):
            return "not the " + text.removeprefix("wanted is ") + " the title asks for"
        if reason.startswith("a different version"):
            return text
    parts = {"title": s.title, "artists": s.artists, "duration": s.duration}
    known = {k: v for k, v in parts.items() if v is not None}
    if not known:
        return "nothing to compare"
    weakest = min(known, key=lambda k: known[k])
    return f"weak {weakest} ({known[weakest]:.2f})"


# --- components --------------------------------------------------------------------------------


def duration_similarity(wanted_ms: int | None, candidate_ms: int | None) -> float | None:
    """±3 s is full credit; falls to 0.5 at 10 s and to 0 at 30 s."""
    if not wanted_ms or not candidate_ms or wanted_ms <= 0 or candidate_ms <= 0:
        return None
    diff = abs(wanted_ms - candidate_ms) / 1000.0
    if diff <= 3:
        return 1.0
    if diff <= 10:
        return 1.0 - 0.5 * (diff - 3) / 7
    if diff <= 30:
        return 0.5 * (30 - diff) / 20
    return 0.0


def _impostor_tags(candidate: Candidate) -> frozenset[str]:
    """Karaoke/tribute/cover labels announce themselves in artist or album names."""
    tags: set[str] = set()
    for text in (*candidate.artists, candidate.album):
        for m in _IMPOSTOR_RE.finditer(fold_text(text)):
            tags.add(_IMPOSTOR_TAG.get(m.group(1), "karaoke"))
    return frozenset(tags)


# --- scoring -----------------------------------------------------------------------------------


def score(wanted: Wanted, candidate: Candidate) -> MatchScore:
    """Score one candidate. Pure: same inputs, same score and reasons."""
    reasons: list[str] = []
    wt, ct = parse_title(wanted.title), parse_title(candidate.title)
    title: float | None = None
    if comparable(wanted.title, candidate.title):
        title = title_similarity(wt, ct)
        reasons.append(f"title {title:.2f}" + ("" if title >= 0.9 else f" ({ct.base!r})"))
    else:
        reasons.append("titles in different scripts: cannot compare")

    # Providers hand over None for a missing name now and then: drop those, never crash.
    w_artists = tuple(a for a in (*wanted.artists, *wt.featured) if a)
    c_artists = tuple(a for a in (*candidate.artists, *ct.featured) if a)
    artists: float | None = None
    if comparable(" ".join(w_artists), " ".join(c_artists)):
        artists = artist_similarity(w_artists, c_artists)
    reasons.append("artists unknown" if artists is None else f"artists {artists:.2f}")

    duration = duration_similarity(wanted.duration_ms, candidate.duration_ms)
    if duration is not None and wanted.duration_ms and candidate.duration_ms:
        diff = (candidate.duration_ms - wanted.duration_ms) / 1000.0
        reasons.append(f"duration {diff:+.0f} s")

    parts = {"title": title, "artists": artists, "duration": duration}
    known = {k: v for k, v in parts.items() if v is not None}
    weight = sum(WEIGHTS[k] for k in known)
    total = sum(WEIGHTS[k] * v for k, v in known.items()) / weight if weight else 0.0

    w_isrc, c_isrc = normalise_isrc(wanted.isrc), normalise_isrc(candidate.isrc)
    isrc: bool | None = None
    if w_isrc and c_isrc:
        isrc = w_isrc == c_isrc
        if isrc:
            total += (1.0 - total) * 0.6
            reasons.append("same ISRC")
        else:
            total *= 0.75
            reasons.append(f"different ISRC {c_isrc}")

    # Gates, unless the ISRC vouches for the recording: a cover has the title but not the
    # artist; a same-artist song has the artist only; a duration alone proves nothing.
    if not isrc:
        if title is None:
            total = min(total, 0.5)
        elif title < TITLE_GATE:
            total = min(total, title)
            reasons.append("title does not match")
        if artists is not None and artists < 0.5:
            total = min(total, 0.5)
            reasons.append("different artist")
        if artists is None and duration is None:
            total = min(total, 0.6)  # "Intro" by nobody, of any length: not enough to attach
            reasons.append("only the title to go on")

    c_versions = ct.versions | _impostor_tags(candidate)
    # The same ISRC is the same recording: a version tag then misleads more than it informs.
    scale = 0.5 if isrc else 1.0
    penalty = 0.0
    for tag in sorted(c_versions ^ wt.versions):
        cost = VERSION_PENALTIES.get(tag, 0.1) * scale
        penalty += cost
        side = "candidate is" if tag in c_versions else "wanted is"
        reasons.append(f"{side} {tag.replace('_', ' ')} (-{cost:.2f})")
    if c_versions & wt.versions & {"remix", "live", "rerecorded", "edit"}:
        # Both remixes: whose remix? "A Remix" vs "B Remix" are different audio.
        mine, theirs = descriptor_words(wt.descriptors), descriptor_words(ct.descriptors)
        if mine and theirs and similarity(mine, theirs) < 0.7:
            penalty += 0.3 * scale
            reasons.append(f"a different version: {theirs!r} (-{0.3 * scale:.2f})")
    total = max(0.0, min(1.0, total - penalty))
    return MatchScore(
        total=total,
        title=title,
        artists=artists,
        duration=duration,
        isrc=isrc,
        penalty=penalty,
        versions=c_versions,
        reasons=tuple(reasons),
    )


def _duration_gap(wanted: Wanted, candidate: Candidate) -> int:
    if wanted.duration_ms and candidate.duration_ms:
        return abs(wanted.duration_ms - candidate.duration_ms)
    return 0


def best_match(
    wanted: Wanted,
    candidates: Iterable[Candidate],
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> Match:
    """Choose the candidate to attach, or none, keeping every candidate's score as evidence.

    Ties between records of the same version (the same song on an album and a compilation) pick
    the better-known one: any of them carries the right BPM and key. A near-tie between different
    versions attaches nothing unless exactly one of them is the version the title asks for.
    """
    # sorted() is stable: the provider's own order breaks the last ties.
    scored = sorted(
        (Evidence(c, score(wanted, c)) for c in candidates),
        key=lambda e: (
            -round(e.score.total, 6),
            -(e.score.duration or 0.0),
            _duration_gap(wanted, e.candidate),
            -(e.candidate.rank or 0),
        ),
    )
    evidence = tuple(scored)
    if not scored:
        return Match(None, None, "no candidates", evidence, threshold)
    best = scored[0]
    if best.score.total < threshold:
        reason = f"best score {best.score.total:.2f} is below the threshold {threshold:.2f}"
        return Match(None, None, reason, evidence, threshold)
    wanted_versions = parse_title(wanted.title).versions
    rivals = [
        e
        for e in scored[1:]
        if best.score.total - e.score.total <= AMBIGUITY_MARGIN
        and e.score.total >= threshold
        and e.score.versions != best.score.versions
        and not (e.score.isrc and best.score.isrc)
    ]
    if rivals:
        tied = [best, *rivals]
        exact = [e for e in tied if e.score.versions == wanted_versions]
        if len(exact) == 1:
            chosen = exact[0]
            return Match(
                chosen.candidate,
                chosen.score,
                "near-tie between versions; took the one the title asks for",
                evidence,
                threshold,
            )
        names = ", ".join(f"{e.candidate.title!r} {e.score.total:.2f}" for e in tied[:3])
        return Match(None, None, f"ambiguous between versions: {names}", evidence, threshold)
    return Match(
        best.candidate, best.score, f"best score {best.score.total:.2f}", evidence, threshold
    )
