"""A track's match evidence per provider: the candidates a step scored, which one it chose, why.

Stored in the library's ``tracks.evidence`` by provider (``run._unit``) and read back by the
details pane, which lists the candidates so a person can review a match and pin another. The
shape, per provider: ``via`` (how the record was reached: ``isrc``, ``search``, ``musicbrainz``,
``search+isrc``, ``name``, ``known id`` or ``pinned``: by the id a person pinned, then
``pinned`` holds that id), ``chosen`` ({provider, id} or None), ``score``, ``reason``,
``threshold``, ``candidates`` (best first, at most ``KEPT``: each with title, artists,
duration, ids, score parts, ``reasons``, ``chosen``, ``rejected`` and ``via``) and, when
earlier steps attached nothing, ``tried`` ([{via, reason}]).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from djdesk.core.engine.matching import DEFAULT_THRESHOLD, Candidate, Evidence, Match, Wanted, score
from djdesk.core.provider_names import PROVIDER_LABELS

if TYPE_CHECKING:
    from djdesk.core.engine.work import TrackWork

#: Candidates kept per provider in a track's evidence: enough to review and pin another.
KEPT = 5


def known(work: TrackWork, provider: str, by: str, entry: dict[str, Any]) -> dict[str, Any] | None:
    """Evidence for a record read by an id we already had (from the playlist, a pin, or a
    match of an earlier run). A match decision stored before (its candidates, scores, why)
    stays: it is what a person reviews and pins from, and the pin marks what is in use."""
    if provider in work.matched:
        return None
    return {
        "via": "known id",
        "known": by,
        "chosen": {"provider": provider, "id": entry["id"]},
        "score": None,
        "reason": f"read by its {PROVIDER_LABELS.get(by, by)} id",
        "threshold": DEFAULT_THRESHOLD,
        "candidates": [{**entry, "chosen": True, "rejected": None, "via": "known id"}],
    }


def pinned(provider: str, entry: dict[str, Any] | None, pin: str, reason: str) -> dict[str, Any]:
    """Evidence for a record read by the id a person pinned (``entry``; None when that id
    reads nothing): it is used whatever it scores, so the score is shown, never a gate, and
    the evidence says "pinned" so the pane and the CLI can tell a pin from a match."""
    out: dict[str, Any] = {
        "via": "pinned",
        "known": provider,
        "pinned": pin,
        "chosen": None if entry is None else {"provider": provider, "id": entry["id"]},
        "score": None if entry is None else entry.get("total"),
        "reason": reason,
        "threshold": DEFAULT_THRESHOLD,
        "candidates": [],
    }
    if entry is not None:
        out["candidates"] = [{**entry, "chosen": True, "rejected": None, "via": "pinned"}]
    return out


def scored(wanted: Wanted, candidate: Candidate) -> dict[str, Any]:
    """A record read by id, scored against the playlist entry: shown, never a gate."""
    return Evidence(candidate, score(wanted, candidate)).to_dict()


def top(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The best ``KEPT`` entries, best first, the chosen one always among them."""
    ranked = sorted(entries, key=lambda c: (not c["chosen"], -(c["total"] or 0.0)))
    return sorted(ranked[:KEPT], key=lambda c: -(c["total"] or 0.0))


def matched_providers(evidence: Mapping[str, Any]) -> frozenset[str]:
    """Providers whose stored evidence is a match decision (scored candidates, attached or
    not), as opposed to a read by a known id: ``TrackWork.matched``."""
    return frozenset(
        provider
        for provider, ev in evidence.items()
        if isinstance(ev, Mapping)
        and ev.get("via") not in ("known id", "pinned")
        and ev.get("candidates")
    )


def evidence_of(
    final: tuple[str, Match] | None, tried: list[tuple[str, Match]], reason: str = ""
) -> dict[str, Any]:
    """One provider's evidence from its matching steps (ISRC lookup, search, ...): the final
    decision's candidates first, then those earlier steps turned down, best ``KEPT`` in all
    (the chosen one always among them), and each earlier step's reason under ``tried``."""
    if final is not None:
        via, match = final
        out = {**match.to_dict(kept=KEPT, via=via), "via": via}
    else:
        last = tried[-1][1] if tried else None
        out = {
            "via": None,
            "chosen": None,
            "score": None,
            "reason": last.reason if last is not None else reason,
            "threshold": last.threshold if last is not None else DEFAULT_THRESHOLD,
            "candidates": [],
        }
    seen = {c["id"] for c in out["candidates"]}
    for via, match in tried:
        for entry in match.to_dict(kept=KEPT, via=via)["candidates"]:
            if entry["id"] not in seen:
                seen.add(entry["id"])
                out["candidates"].append(entry)
    out["candidates"] = top(out["candidates"])
    if tried:
        out["tried"] = [{"via": via, "reason": match.reason} for via, match in tried]
    return out
