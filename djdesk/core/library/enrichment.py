"""Per-track enrichment: the field document, the track's state, match evidence, provider payloads.

Every field write is ONE UPDATE with ``json_set(doc, '$.bpm', json(?), ...)``: SQLite applies it
to the row as it is at that instant under the write lock, so two writers (threads or processes)
setting different fields of one track never lose each other's work (seed 004). Never read the
doc, change it in Python and write it back: that is the lost-update bug the tests prove wrong.

Field names are plain identifiers (``bpm``, ``key``, ``lastfm_tags``) so JSON paths need no
quoting and the generated, indexed columns (bpm, energy, key, year) can find them.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from djdesk.core.library.records import (
    FIELD_KINDS,
    TRACK_STATES,
    FieldLike,
    FieldValue,
    Payload,
    SupportsToDict,
)

_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def _path(name: str) -> str:
    if not _FIELD_NAME.match(name):
        raise ValueError(f"field and provider names are lower-case identifiers, not {name!r}")
    return f"$.{name}"


def _touched(cur: sqlite3.Cursor, track_id: int) -> None:
    if cur.rowcount == 0:
        raise LookupError(f"no track {track_id} in the library")


def field_json(value: FieldLike, now: float) -> dict[str, Any]:
    """The stored form of one field; ``fetched_at`` defaults to ``now``."""
    if isinstance(value, FieldValue):
        return value.to_json(now)
    data = dict(value.to_dict()) if isinstance(value, SupportsToDict) else dict(value)
    for key in ("value", "source", "kind"):
        if key not in data:
            raise ValueError(f"an enrichment field needs {key!r}: {sorted(data)}")
    if data["kind"] not in FIELD_KINDS:
        raise ValueError(f"kind must be one of {FIELD_KINDS}, not {data['kind']!r}")
    if data.get("fetched_at") is None:
        data["fetched_at"] = now
    return data


def set_fields(
    conn: sqlite3.Connection, track_id: int, fields: Mapping[str, FieldLike], now: float
) -> None:
    """Write several fields of one track in a single atomic statement."""
    if not fields:
        return
    args: list[Any] = []
    for name, value in fields.items():
        args += [_path(name), json.dumps(field_json(value, now))]
    pairs = ", ".join("?, json(?)" for _ in fields)
    cur = conn.execute(
        f"UPDATE tracks SET doc = json_set(doc, {pairs}), updated_at = ? WHERE id = ?",
        [*args, now, track_id],
    )
    _touched(cur, track_id)


def remove_fields(
    conn: sqlite3.Connection, track_id: int, names: Iterable[str], now: float
) -> None:
    paths = [_path(n) for n in names]
    if not paths:
        return
    marks = ", ".join("?" for _ in paths)
    cur = conn.execute(
        f"UPDATE tracks SET doc = json_remove(doc, {marks}), updated_at = ? WHERE id = ?",
        [*paths, now, track_id],
    )
    _touched(cur, track_id)


def set_state(
    conn: sqlite3.Connection,
    track_id: int,
    state: str,
    now: float,
    *,
    missing: Iterable[str] = (),
    reason: str | None = None,
) -> None:
    if state not in TRACK_STATES:
        raise ValueError(f"state must be one of {TRACK_STATES}, not {state!r}")
    cur = conn.execute(
        "UPDATE tracks SET state = ?, missing = ?, reason = ?, updated_at = ? WHERE id = ?",
        (state, json.dumps(sorted(set(missing))), reason, now, track_id),
    )
    _touched(cur, track_id)


def set_evidence(
    conn: sqlite3.Connection, track_id: int, provider: str, evidence: Any, now: float
) -> None:
    """Store why a provider's candidate was (or was not) attached: candidates, scores, why."""
    cur = conn.execute(
        "UPDATE tracks SET evidence = json_set(evidence, ?, json(?)), updated_at = ? WHERE id = ?",
        (_path(provider), json.dumps(evidence), now, track_id),
    )
    _touched(cur, track_id)


def put_payload(
    conn: sqlite3.Connection,
    track_id: int,
    provider: str,
    kind: str,
    payload: Any,
    fetched_at: float,
) -> None:
    """Keep a provider's whole answer for this track, so one call can fill every field later."""
    conn.execute(
        "INSERT INTO track_payloads (track_id, provider, kind, payload, fetched_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (track_id, provider, kind) DO UPDATE SET "
        "payload = excluded.payload, fetched_at = excluded.fetched_at",
        (track_id, provider, kind, json.dumps(payload), fetched_at),
    )


def get_payloads(
    conn: sqlite3.Connection, track_id: int, provider: str | None = None
) -> list[Payload]:
    sql = "SELECT provider, kind, payload, fetched_at FROM track_payloads WHERE track_id = ?"
    args: list[Any] = [track_id]
    if provider is not None:
        sql += " AND provider = ?"
        args.append(provider)
    rows = conn.execute(sql + " ORDER BY provider, kind", args).fetchall()
    return [Payload(track_id, p, k, json.loads(body), float(t)) for p, k, body, t in rows]
