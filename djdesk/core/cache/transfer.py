"""Export and import of the cache as a portable JSON Lines file (carry it to an offline laptop).

Format (UTF-8, one JSON object per line; gzip-compressed when the file name ends in ``.gz``)::

    {"format": "djdesk-cache", "format_version": 1, "exported": 1767225600.0, "entries": 2}
    {"ns": "deezer.track", "key": "3135556", "value": {...}, "negative": false,
     "created": 1767225000.0, "expires": 1774999000.0}

Only entries of each namespace's current version are exported, expired ones included (they
still serve stale-if-error offline). Import runs in one transaction: a bad file changes nothing.
An imported entry replaces a local one only when it was created later; it takes the local
namespace version, and hit counts start at zero. Both functions run on the cache thread.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from djdesk.core.cache import policy
from djdesk.core.errors import InputError

if TYPE_CHECKING:
    from djdesk.core.cache.database import CacheDatabase

FORMAT = "djdesk-cache"
FORMAT_VERSION = 1
BATCH = 1000


def _open(path: Path, mode: str, *, gz: bool) -> IO[str]:
    if gz:
        return gzip.open(path, mode + "t", encoding="utf-8")  # type: ignore[return-value]
    return open(path, mode, encoding="utf-8")


def export_entries(db: CacheDatabase, path: Path) -> int:
    """Write atomically (temp file + rename) so a full disk never leaves half a file."""
    db.flush()
    db.guarded(db.sync)
    rows = db.conn.execute(
        "SELECT n.name, e.key, e.value, e.negative, e.created, e.expires FROM entries e "
        "JOIN namespaces n ON n.id = e.ns WHERE e.version = n.effective ORDER BY n.name, e.key"
    ).fetchall()
    tmp = path.with_name(path.name + ".part")
    try:
        _write(tmp, path, rows, db.clock.time())
    except OSError as exc:
        raise InputError(
            f"Cannot write {path}: {exc.strerror or exc}.",
            hint="Check that the folder exists, that you may write there and the disk has room.",
        ) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return len(rows)


def _write(tmp: Path, path: Path, rows: list[Any], exported: float) -> None:
    with _open(tmp, "w", gz=path.suffix == ".gz") as out:
        header = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "exported": exported,
            "entries": len(rows),
        }
        out.write(json.dumps(header) + "\n")
        for ns, key, value, negative, created, expires in rows:
            line = (
                f'{{"ns":{json.dumps(ns)},"key":{json.dumps(key, ensure_ascii=False)},'
                f'"value":{value},"negative":{"true" if negative else "false"},'
                f'"created":{created!r},"expires":{expires!r}}}\n'
            )
            out.write(line)
    os.replace(tmp, path)


def _records(path: Path) -> Iterator[dict[str, Any]]:
    try:
        with _open(path, "r", gz=path.suffix == ".gz") as src:
            first = src.readline()
            try:
                header = json.loads(first)
            except json.JSONDecodeError:
                header = None
            if not isinstance(header, dict) or header.get("format") != FORMAT:
                raise InputError(f"{path} is not a DJDesk cache export.")
            version = header.get("format_version", 0)
            if not isinstance(version, int) or isinstance(version, bool):
                raise InputError(f"{path} is not a DJDesk cache export.")
            if version > FORMAT_VERSION:
                raise InputError(
                    f"{path} was exported by a newer DJDesk.", hint="Upgrade DJDesk to import it."
                )
            for number, line in enumerate(src, start=2):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    policy.validate_namespace(record["ns"])
                    if not isinstance(record["key"], str) or "value" not in record:
                        raise TypeError("key")
                    float(record["created"]), float(record["expires"])
                except (ValueError, KeyError, TypeError) as exc:
                    raise InputError(f"{path} line {number} is not a cache entry.") from exc
                yield record
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror}.") from exc
    except (UnicodeDecodeError, gzip.BadGzipFile, EOFError) as exc:
        raise InputError(f"{path} is not a DJDesk cache export.") from exc


def import_entries(db: CacheDatabase, path: Path) -> dict[str, int]:
    """Merge ``path`` into the cache; returns ``{"imported": n, "skipped": m}``."""
    from djdesk.core.cache.database import _UPSERT, dumps
    from djdesk.core.cache.maintenance import recount

    upsert = _UPSERT + " WHERE excluded.created > entries.created OR entries.version != ?"
    counts = {"imported": 0, "skipped": 0}

    def body(conn: Any) -> None:
        batch: list[tuple[Any, ...]] = []
        for record in _records(path):
            info = db._ensure_ns(conn, record["ns"])
            text = dumps(record["value"])
            batch.append(
                (info.id, record["key"], text, int(bool(record.get("negative"))),
                 float(record["created"]), float(record["expires"]), len(text.encode()),
                 info.effective, info.effective)
            )  # fmt: skip
            if len(batch) >= BATCH:
                _flush(conn, batch)
        _flush(conn, batch)
        recount(conn)

    def _flush(conn: Any, batch: list[tuple[Any, ...]]) -> None:
        changed = conn.executemany(upsert, batch).rowcount
        counts["imported"] += changed
        counts["skipped"] += len(batch) - changed
        batch.clear()

    db.write(body)
    db.l1.clear()
    return counts
