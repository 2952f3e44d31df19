"""Export/import: a portable file a DJ carries to an offline laptop."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from djdesk.core.cache.policy import DAY
from djdesk.core.cache.store import CacheStore
from djdesk.core.clock import FakeClock
from djdesk.core.errors import InputError


@pytest.mark.parametrize("name", ["export.jsonl", "export.jsonl.gz"])
async def test_round_trip_to_another_machine(
    store: CacheStore, clock: FakeClock, tmp_path: Path, name: str, api_samples: Path
) -> None:
    body = json.loads((api_samples / "deezer/track_detail_3135556_2025-01-21.json").read_text())
    await store.set("deezer.track", "3135556", body)
    await store.set("deezer.search", "q=ünïcode", [1, 2], ttl=60)
    await store.set("reccobeats.idmap.spotify", "none", None, negative=True)
    await store.set("lastfm.track", "old", 1)
    await store.bump("lastfm")  # superseded rows are not exported
    clock.advance(120)  # the search entry is expired: still exported for stale-if-error
    target = tmp_path / name
    assert await store.export(target) == 3
    if name.endswith(".gz"):
        assert gzip.decompress(target.read_bytes()).startswith(b'{"format": "djdesk-cache"')

    laptop = await CacheStore.open(tmp_path / "laptop.sqlite3", clock=clock)
    try:
        assert await laptop.import_(target) == {"imported": 3, "skipped": 0}
        track = await laptop.get("deezer.track", "3135556")
        assert (
            track is not None and track.value == body and track.expires == 1767225600.0 + 90 * DAY
        )
        idmap = await laptop.get("reccobeats.idmap.spotify", "none")
        assert idmap is not None and idmap.negative
        assert await laptop.get("deezer.search", "q=ünïcode") is None
        stale = await laptop.get("deezer.search", "q=ünïcode", allow_stale=True)
        assert stale is not None and stale.value == [1, 2]
        assert await laptop.get("lastfm.track", "old", allow_stale=True) is None
        assert await laptop.import_(target) == {"imported": 0, "skipped": 3}
    finally:
        await laptop.aclose()


async def test_newer_local_entry_wins(store: CacheStore, clock: FakeClock, tmp_path: Path) -> None:
    await store.set("deezer.track", "1", "exported")
    await store.export(tmp_path / "x.jsonl")
    clock.advance(10)
    await store.set("deezer.track", "1", "newer here")
    await store.set("deezer.track", "2", "only here")
    assert await store.import_(tmp_path / "x.jsonl") == {"imported": 0, "skipped": 1}
    assert (await store.get("deezer.track", "1")).value == "newer here"  # type: ignore[union-attr]


async def test_import_refreshes_rows_of_an_old_version(store: CacheStore, tmp_path: Path) -> None:
    await store.set("deezer.track", "1", "v0")
    await store.export(tmp_path / "x.jsonl")
    await store.bump("deezer.track")
    assert await store.import_(tmp_path / "x.jsonl") == {"imported": 1, "skipped": 0}
    entry = await store.get("deezer.track", "1")
    assert entry is not None and entry.value == "v0" and entry.version == 1


GOOD_LINE = (
    b'{"ns":"deezer.track","key":"new","value":1,"negative":false,'
    b'"created":1767225600.0,"expires":1999999999.0}\n'
)
HEAD = b'{"format": "djdesk-cache", "format_version": 1}\n'


@pytest.mark.parametrize(
    "content",
    [
        b"not json\n",
        b'{"format": "other"}\n',
        b'{"format": "djdesk-cache", "format_version": 99}\n',
        HEAD + GOOD_LINE + b'{"ns": "Bad NS", "key": "k", "created": 1, "expires": 2}\n',
        HEAD + GOOD_LINE + b'{"ns": "deezer.track"}\n',
        HEAD + GOOD_LINE + b'{"ns": "deezer.track", "key": 5, "created": 1, "expires": 2}\n',
        b"\xff\xfe\x00",
        b'{"format": "djdesk-cache", "format_version": "1"}\n',
        HEAD + GOOD_LINE + b'{"ns": "deezer.track", "key": "k", "created": 1, "expires": 2}\n',
        HEAD + GOOD_LINE + b"[1, 2]\n",
    ],
)
async def test_bad_file_changes_nothing(store: CacheStore, tmp_path: Path, content: bytes) -> None:
    """Import is one transaction: a good line before a bad one is not kept either."""
    await store.set("deezer.track", "keep", 1)
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(content)
    with pytest.raises(InputError):
        await store.import_(bad)
    assert await store.get("deezer.track", "new") is None
    assert (await store.get("deezer.track", "keep")) is not None


async def test_missing_file_is_an_input_error(store: CacheStore, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="Cannot read"):
        await store.import_(tmp_path / "nope.jsonl")


async def test_export_to_a_missing_folder_is_an_input_error(
    store: CacheStore, tmp_path: Path
) -> None:
    await store.set("deezer.track", "keep", 1)
    target = tmp_path / "no" / "such" / "dir" / "cache.jsonl"
    with pytest.raises(InputError, match="Cannot write") as err:
        await store.export(target)
    assert err.value.hint
    assert not target.parent.exists()
