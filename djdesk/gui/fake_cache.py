"""An in-memory ``CacheBrowser`` for tests, screenshots and the window before the store lands.

It keeps the same semantics the SQLite store promises: entries per namespace with a version, a
TTL, hit counts and negative entries; ``bump`` makes older versions stale; ``expire`` sets the
expiry to now. Paging sorts the whole list, which is fine for the few thousand entries it holds.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from djdesk.gui.services import CacheEntryRow, FieldValue, NamespaceStats

NAMESPACES = (  # real names from core.cache.policy.DEFAULT_TTLS
    "deezer.track",
    "deezer.playlist",
    "deezer.search",
    "musicbrainz.isrc",
    "lastfm.track",
    "lastfm.artist",
    "reccobeats.features",
    "spotify.playlist",
)


@dataclass
class _Entry:
    namespace: str
    key: str
    version: int
    value: Any
    created_at: float
    expires_at: float | None
    hits: int
    negative: bool

    @property
    def size(self) -> int:
        return len(json.dumps(self.value, separators=(",", ":")))


class FakeCacheBrowser:
    def __init__(self, *, seed: int = 7, entries: int = 1500, now: float | None = None) -> None:
        self._now = now
        rng = random.Random(seed)
        t0 = self.now()
        self._versions = {ns: 1 for ns in NAMESPACES}
        self._hits = {ns: 0 for ns in NAMESPACES}
        self._misses = {ns: 0 for ns in NAMESPACES}
        self._entries: dict[tuple[str, str], _Entry] = {}
        for i in range(entries):
            ns = NAMESPACES[i % len(NAMESPACES)]
            negative = rng.random() < 0.05
            created = t0 - rng.uniform(0, 60 * 86400)
            ttl = rng.choice([86400.0, 7 * 86400.0, 90 * 86400.0, None])
            key = f"{ns.split('.')[1]}:{rng.randint(100_000, 99_999_999)}"
            value = None if negative else _sample_value(ns, key, rng)
            expires = None if ttl is None else created + ttl
            hits = rng.randint(0, 40)
            self._entries[(ns, key)] = _Entry(ns, key, 1, value, created, expires, hits, negative)
            self._hits[ns] += hits
            self._misses[ns] += 1

    def now(self) -> float:
        return time.time() if self._now is None else self._now

    # --- reads ------------------------------------------------------------------------------------

    async def namespaces(self) -> list[NamespaceStats]:
        out = []
        for ns in sorted({e.namespace for e in self._entries.values()} | set(self._versions)):
            items = [e for e in self._entries.values() if e.namespace == ns]
            out.append(
                NamespaceStats(
                    ns,
                    len(items),
                    sum(e.size for e in items),
                    self._hits.get(ns, 0),
                    self._misses.get(ns, 0),
                    self._versions.get(ns, 1),
                )
            )
        return out

    def _select(self, namespace: str | None, search: str) -> list[_Entry]:
        needle = search.strip().lower()
        return [
            e
            for e in self._entries.values()
            if (namespace is None or e.namespace == namespace)
            and (not needle or needle in e.key.lower())
        ]

    async def count(self, namespace: str | None, search: str) -> int:
        await asyncio.sleep(0)  # like the real store: the answer comes on a later loop turn
        return len(self._select(namespace, search))

    def _row(self, e: _Entry) -> CacheEntryRow:
        now = self.now()
        stale = (
            e.expires_at is not None and e.expires_at <= now
        ) or e.version < self._versions.get(e.namespace, 1)
        return CacheEntryRow(
            e.namespace,
            e.key,
            e.version,
            e.size,
            e.created_at,
            e.expires_at,
            e.hits,
            e.negative,
            stale,
        )

    async def page(
        self,
        namespace: str | None,
        search: str,
        order_by: str,
        descending: bool,
        offset: int,
        limit: int,
    ) -> list[CacheEntryRow]:
        rows = [self._row(e) for e in self._select(namespace, search)]

        def key(r: CacheEntryRow) -> tuple[bool, Any, str]:
            v = getattr(r, order_by)
            return (v is None, v if v is not None else 0, r.key)

        rows.sort(key=key, reverse=descending)
        return rows[offset : offset + limit]

    async def entry_value(self, namespace: str, key: str) -> Any:
        e = self._entries.get((namespace, key))
        return None if e is None else e.value

    # --- writes -----------------------------------------------------------------------------------

    async def delete(self, namespace: str, key: str) -> bool:
        return self._entries.pop((namespace, key), None) is not None

    async def expire(self, namespace: str, key: str) -> bool:
        e = self._entries.get((namespace, key))
        if e is None:
            return False
        e.expires_at = self.now()
        return True

    async def purge(self, namespace: str) -> int:
        doomed = [k for k, e in self._entries.items() if e.namespace == namespace]
        for k in doomed:
            del self._entries[k]
        return len(doomed)

    async def bump(self, namespace: str) -> int:
        self._versions[namespace] = self._versions.get(namespace, 1) + 1
        return self._versions[namespace]

    async def vacuum(self) -> dict[str, int]:
        """Sweeps what the real store sweeps (old versions, expired over 30 days); the "file"
        is the values' size."""
        cutoff = self.now() - 30 * 86400
        before = sum(e.size for e in self._entries.values())
        doomed = [
            k
            for k, e in self._entries.items()
            if e.version < self._versions.get(e.namespace, 1)
            or (e.expires_at is not None and e.expires_at < cutoff)
        ]
        for k in doomed:
            del self._entries[k]
        after = sum(e.size for e in self._entries.values())
        return {"swept": len(doomed), "bytes_before": before, "bytes_after": after}

    async def export(self, path: Path) -> int:
        lines = [json.dumps({**vars(e)}, separators=(",", ":")) for e in self._entries.values()]
        await asyncio.to_thread(path.write_text, "\n".join(lines) + "\n", encoding="utf-8")
        return len(lines)

    async def import_(self, path: Path) -> int:
        count = 0
        text = await asyncio.to_thread(path.read_text, encoding="utf-8")
        for line in text.splitlines():
            if line.strip():
                e = _Entry(**json.loads(line))
                self._entries[(e.namespace, e.key)] = e
                count += 1
        return count

    # --- fed by the fake engine ------------------------------------------------------------------

    def record_track(self, track_id: int, title: str, fields: dict[str, FieldValue]) -> None:
        """Store what a fake enrichment fetched, so the inspector fills during a run."""
        now = self.now()
        by_source: dict[str, dict[str, Any]] = {}
        for name, fv in fields.items():
            by_source.setdefault(fv.source, {})[name] = fv.value
        for source, values in by_source.items():
            ns = {"deezer": "deezer.track", "reccobeats": "reccobeats.features"}.get(
                source, "lastfm.track" if source == "lastfm" else None
            )
            if ns is None:
                continue
            key = f"track:{track_id}"
            old = self._entries.get((ns, key))
            self._misses[ns] = self._misses.get(ns, 0) + 1
            self._entries[(ns, key)] = replace(
                old or _Entry(ns, key, self._versions.get(ns, 1), None, now, None, 0, False),
                value={"title": title, **values},
                created_at=now,
                expires_at=now + 30 * 86400,
            )


def _sample_value(ns: str, key: str, rng: random.Random) -> dict[str, Any]:
    ident = key.split(":")[1]
    if ns.startswith("deezer"):
        return {
            "id": int(ident),
            "title": f"Track {ident}",
            "isrc": f"GB{rng.randint(10**9, 10**10 - 1)}",
            "bpm": round(rng.uniform(90, 130), 1),
            "gain": round(rng.uniform(-14, -6), 1),
            "rank": rng.randint(1000, 999_999),
            "release_date": f"{rng.randint(1990, 2025)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            "artist": {"id": rng.randint(1, 10**6), "name": "Some Artist"},
            "contributors": [{"id": rng.randint(1, 10**6), "role": "Main"}],
        }
    if ns.startswith("lastfm"):
        return {
            "toptags": {
                "tag": [{"name": t, "count": rng.randint(1, 100)} for t in ("house", "disco")]
            },
            "listeners": str(rng.randint(100, 10**6)),
        }
    if ns.startswith("reccobeats"):
        return {
            "id": ident,
            "energy": round(rng.random(), 3),
            "danceability": round(rng.random(), 3),
            "valence": round(rng.random(), 3),
            "key": rng.randint(0, 11),
            "mode": rng.randint(0, 1),
            "tempo": round(rng.uniform(90, 130), 2),
        }
    return {"id": ident, "name": f"{ns} {ident}", "tracks": {"total": rng.randint(10, 300)}}
