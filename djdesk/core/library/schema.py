"""The library's tables and the migrations that build them, versioned by ``PRAGMA user_version``.

Each migration runs in ONE ``BEGIN IMMEDIATE`` transaction together with its ``user_version``
bump, so a crash (even kill -9) mid-migration leaves the old version intact, and two processes
opening an old file at once migrate it exactly once (the second re-reads the version under the
write lock and finds nothing to do). ``executescript`` is never used: it commits first.

Generated columns (indexed, for sorting and filtering 10,000-row tables in SQL) read the
enrichment doc by convention, so writers must keep these shapes: ``bpm.value`` a number,
``energy.value`` a number in 0..1, ``key.value`` either a Camelot string ("8A") or an object
with a ``camelot`` member (the engine's ``FieldValue.to_dict`` form), ``year.value`` an integer
or, failing that, ``release_date.value`` starting with "YYYY".

Add a migration by appending a tuple of statements to ``MIGRATIONS``; never edit a released one.
"""

from __future__ import annotations

import sqlite3

_V1: tuple[str, ...] = (
    """
    CREATE TABLE playlists (
        id               INTEGER PRIMARY KEY,
        service          TEXT NOT NULL,
        service_id       TEXT NOT NULL,
        name             TEXT NOT NULL DEFAULT '',
        owner            TEXT,
        owned            INTEGER NOT NULL DEFAULT 0,
        snapshot_id      TEXT,
        url              TEXT,
        track_count      INTEGER NOT NULL DEFAULT 0,
        imported_at      REAL,
        enrichment_state TEXT NOT NULL DEFAULT 'pending',
        UNIQUE (service, service_id)
    )
    """,
    """
    CREATE TABLE tracks (
        id           INTEGER PRIMARY KEY,
        title        TEXT NOT NULL DEFAULT '',
        artists      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(artists)),
        album        TEXT,
        duration_ms  INTEGER,
        doc          TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(doc)),
        state        TEXT NOT NULL DEFAULT 'pending',
        missing      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(missing)),
        reason       TEXT,
        evidence     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(evidence)),
        created_at   REAL NOT NULL,
        updated_at   REAL,
        bpm    REAL    GENERATED ALWAYS AS (json_extract(doc, '$.bpm.value')) VIRTUAL,
        energy REAL    GENERATED ALWAYS AS (json_extract(doc, '$.energy.value')) VIRTUAL,
        key    TEXT    GENERATED ALWAYS AS (CASE json_type(doc, '$.key.value')
                   WHEN 'object' THEN json_extract(doc, '$.key.value.camelot')
                   ELSE json_extract(doc, '$.key.value') END) VIRTUAL,
        year   INTEGER GENERATED ALWAYS AS (coalesce(json_extract(doc, '$.year.value'),
                   CAST(substr(json_extract(doc, '$.release_date.value'), 1, 4) AS INTEGER)))
                   VIRTUAL
    )
    """,
    "CREATE INDEX tracks_bpm ON tracks (bpm)",
    "CREATE INDEX tracks_energy ON tracks (energy)",
    "CREATE INDEX tracks_key ON tracks (key)",
    "CREATE INDEX tracks_year ON tracks (year)",
    "CREATE INDEX tracks_state ON tracks (state)",
    # One row per (provider, value) a track is known by. The first row per provider (lowest
    # rowid) is the track's id there; later rows are aliases that still resolve to it.
    # Identity providers are unique; ISRC is not (recordings share ISRCs).
    """
    CREATE TABLE track_ids (
        provider TEXT NOT NULL,
        value    TEXT NOT NULL,
        track_id INTEGER NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
        origin   TEXT NOT NULL DEFAULT 'import'
    )
    """,
    "CREATE UNIQUE INDEX track_ids_identity ON track_ids (provider, value) "
    "WHERE provider <> 'isrc'",
    "CREATE INDEX track_ids_lookup ON track_ids (provider, value)",
    "CREATE UNIQUE INDEX track_ids_by_track ON track_ids (track_id, provider, value)",
    """
    CREATE TABLE playlist_entries (
        playlist_id INTEGER NOT NULL REFERENCES playlists (id) ON DELETE CASCADE,
        position    INTEGER NOT NULL,
        track_id    INTEGER REFERENCES tracks (id),
        source      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(source)),
        local       INTEGER NOT NULL DEFAULT 0,
        unavailable INTEGER NOT NULL DEFAULT 0,
        added_at    TEXT,
        PRIMARY KEY (playlist_id, position)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX playlist_entries_track ON playlist_entries (track_id)",
    """
    CREATE TABLE pins (
        track_id  INTEGER NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
        provider  TEXT NOT NULL,
        value     TEXT NOT NULL,
        pinned_at REAL NOT NULL,
        PRIMARY KEY (track_id, provider)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE track_payloads (
        track_id   INTEGER NOT NULL REFERENCES tracks (id) ON DELETE CASCADE,
        provider   TEXT NOT NULL,
        kind       TEXT NOT NULL,
        payload    TEXT NOT NULL CHECK (json_valid(payload)),
        fetched_at REAL NOT NULL,
        PRIMARY KEY (track_id, provider, kind)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE jobs (
        id          TEXT PRIMARY KEY,
        input       TEXT NOT NULL,
        options     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(options)),
        state       TEXT NOT NULL DEFAULT 'planned',
        created_at  REAL NOT NULL,
        updated_at  REAL NOT NULL,
        totals      TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(totals)),
        playlist_id INTEGER REFERENCES playlists (id) ON DELETE SET NULL,
        error       TEXT
    )
    """,
    """
    CREATE TABLE job_units (
        job_id      TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
        track_id    INTEGER NOT NULL,
        step        TEXT NOT NULL,
        outcome     TEXT NOT NULL,
        finished_at REAL NOT NULL,
        PRIMARY KEY (job_id, track_id, step)
    ) WITHOUT ROWID
    """,
)

#: MIGRATIONS[i] takes the file from version i to i + 1.
MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1,)

SCHEMA_VERSION = len(MIGRATIONS)


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, migrations: tuple[tuple[str, ...], ...] = MIGRATIONS) -> int:
    """Bring the file up to ``len(migrations)``, one transaction per step; returns the version.

    The caller has already refused a file newer than ``len(migrations)``. ``conn`` must be in
    autocommit mode (``isolation_level=None``) so BEGIN/COMMIT here are the only transaction.
    """
    target = len(migrations)
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = user_version(conn)
            if current >= target:
                conn.execute("COMMIT")
                return current
            for statement in migrations[current]:
                conn.execute(statement)
            # PRAGMA takes no parameters; the value is an int we computed, never user input.
            conn.execute(f"PRAGMA user_version = {int(current) + 1}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
