"""Typed user settings in a TOML file, with defaults, validation and schema migrations.

The file is small and hand-editable. Unknown keys are kept out (with a warning) rather than
crashing; a bad value raises ``ConfigError`` naming the key and the value. Provider endpoints
are settings too, and ``DJDESK_ENDPOINTS`` (a JSON object) overrides them for one process, which
is how the sandbox is wired in. Secrets never live here: they go to the OS keyring.
"""

from __future__ import annotations

import json
import logging
import math
import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import tomli_w

from djdesk.core.errors import ConfigError
from djdesk.core.models import DEFAULT_ENDPOINTS, PROVIDERS

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2
KEY_NOTATIONS = ("camelot", "open_key", "classic")

#: Requests per second we plan for, per provider (apis.md "limit we plan for").
DEFAULT_RATES: dict[str, float] = {
    "spotify": 5.0,
    "spotify_accounts": 1.0,
    "deezer": 9.0,
    "musicbrainz": 1.0,
    "lastfm": 4.5,
    "reccobeats": 5.0,
}


@dataclass(frozen=True, slots=True)
class Settings:
    """Every user setting. Frozen: change one with ``dataclasses.replace`` and ``save``."""

    schema_version: int = SCHEMA_VERSION
    #: Notation for musical keys in tables and exports.
    key_notation: str = "camelot"
    #: Fold half/double-time tempos into this BPM range (genre-aware rules may override).
    bpm_min: float = 70.0
    bpm_max: float = 180.0
    #: Run against the built-in offline sandbox instead of the real services.
    demo: bool = False
    #: The Spotify app's client id (each user registers their own dev-mode app).
    spotify_client_id: str = ""
    #: Base URL per provider.
    endpoints: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_ENDPOINTS))
    #: Requests per second per provider.
    rates: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_RATES))
    #: Cache TTL overrides in seconds, by cache namespace (see ``core.cache.policy``).
    ttl: dict[str, float] = field(default_factory=dict)
    #: Endpoints set for this process only (``DJDESK_ENDPOINTS``, a demo sandbox):
    #: provider -> (the value they replaced, the process value).
    #: Never written: ``save`` puts the file value back, so a sandbox's ephemeral port can not
    #: leak into settings.toml and outlive the process that set it.
    process_endpoints: dict[str, tuple[str, str]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def validate(self) -> Settings:
        if self.key_notation not in KEY_NOTATIONS:
            _bad("key_notation", self.key_notation, f"one of {', '.join(KEY_NOTATIONS)}")
        if not 20 <= self.bpm_min < self.bpm_max <= 400:
            bpm = f"{self.bpm_min}/{self.bpm_max}"
            _bad("bpm_min/bpm_max", bpm, "20 <= bpm_min < bpm_max <= 400")
        for name, url in self.endpoints.items():
            if name not in PROVIDERS:
                _bad(f"endpoints.{name}", url, f"a provider name: {', '.join(PROVIDERS)}")
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                _bad(f"endpoints.{name}", url, "an http:// or https:// URL")
        for name, rate in self.rates.items():
            if name not in PROVIDERS:
                _bad(f"rates.{name}", rate, f"a provider name: {', '.join(PROVIDERS)}")
            if not _finite_number(rate) or rate <= 0:
                _bad(f"rates.{name}", rate, "a positive number of requests per second")
        for name, seconds in self.ttl.items():
            if not _finite_number(seconds) or seconds < 0:
                _bad(f"ttl.{name}", seconds, "a number of seconds >= 0")
        return self

    def with_process_endpoints(self, endpoints: Mapping[str, str]) -> Settings:
        """Use ``endpoints`` in this process only (``DJDESK_ENDPOINTS``, a demo sandbox's
        ephemeral ports): ``save`` writes the values they replaced, never these."""
        merged = replace(self, endpoints={**self.endpoints, **endpoints}).validate()
        shadowed = {
            name: (
                self.process_endpoints[name][0]
                if name in self.process_endpoints
                else self.endpoints.get(name, DEFAULT_ENDPOINTS[name]),
                url,
            )
            for name, url in endpoints.items()
        }
        return replace(merged, process_endpoints={**self.process_endpoints, **shadowed})

    def to_toml(self) -> str:
        """The file form: endpoints still set for this process get the value they replaced back.

        An endpoint the user changed after the override (it differs from the process value) is
        the user's choice and is written.
        """
        data = asdict(self)
        del data["process_endpoints"]
        for name, (file_value, process_value) in self.process_endpoints.items():
            if data["endpoints"].get(name) == process_value:
                data["endpoints"][name] = file_value
        return tomli_w.dumps(data)


#: Fields that describe this process, never read from or written to the file.
_PROCESS_ONLY = frozenset({"process_endpoints"})


def _finite_number(value: object) -> bool:
    """TOML has ``nan`` and ``inf``; neither is a rate or a lifetime (``nan <= 0`` is False)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _bad(key: str, value: object, expected: str) -> None:
    raise ConfigError(f"Setting {key!r} has an invalid value {value!r}; expected {expected}.")


# --- migrations: each takes the raw dict of version N and returns version N+1 -------------------


def _v1_to_v2(raw: dict[str, Any]) -> dict[str, Any]:
    """v1 kept a single ``rate_limit`` for every provider; v2 has one per provider."""
    rate = raw.pop("rate_limit", None)
    if rate is not None:
        raw["rates"] = {name: float(rate) for name in PROVIDERS}
    return raw


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}


def migrate(raw: dict[str, Any]) -> dict[str, Any]:
    version = raw.get("schema_version", 1)
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise ConfigError(
            f"The settings file has schema_version {version!r}, newer than this DJDesk "
            f"understands ({SCHEMA_VERSION}).",
            hint="Upgrade DJDesk; the file was left unchanged.",
        )
    while version < SCHEMA_VERSION:
        raw = MIGRATIONS[version](dict(raw))
        version += 1
        raw["schema_version"] = version
    return raw


def from_dict(raw: Mapping[str, Any]) -> Settings:
    raw = migrate(dict(raw))
    known = {f.name for f in fields(Settings)} - _PROCESS_ONLY
    for key in raw.keys() - known:
        log.warning("ignoring unknown setting %r", key)
    base = Settings()
    values: dict[str, Any] = {}
    for f in fields(Settings):
        if f.name not in known or f.name not in raw:
            continue
        value = raw[f.name]
        default = getattr(base, f.name)
        if isinstance(default, dict):
            if not isinstance(value, dict):
                _bad(f.name, value, "a table")
            value = {**default, **value}
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                _bad(f.name, value, "true or false")
        elif isinstance(default, float):
            if not isinstance(value, int | float) or isinstance(value, bool):
                _bad(f.name, value, "a number")
            value = float(value)
        elif isinstance(default, str | int) and not isinstance(value, type(default)):
            _bad(f.name, value, type(default).__name__)
        values[f.name] = value
    return replace(base, **values).validate()


def load(path: Path, environ: Mapping[str, str] | None = None) -> Settings:
    """Read ``path`` (defaults if it does not exist), then apply ``DJDESK_ENDPOINTS``."""
    raw: dict[str, Any] = {}
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"The settings file {path} is not valid TOML: {exc}.") from None
    settings = from_dict(raw)
    return apply_environment(settings, os.environ if environ is None else environ)


def apply_environment(settings: Settings, environ: Mapping[str, str]) -> Settings:
    override = environ.get("DJDESK_ENDPOINTS")
    if not override:
        return settings
    try:
        endpoints = json.loads(override)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"DJDESK_ENDPOINTS is not valid JSON ({exc.msg}).",
            hint='Set it to a JSON object such as {"deezer": "http://127.0.0.1:8001"}.',
        ) from None
    if not isinstance(endpoints, dict):
        raise ConfigError(
            "DJDESK_ENDPOINTS must be a JSON object mapping provider names to base URLs.",
            hint='For example {"deezer": "http://127.0.0.1:8001"}.',
        )
    return settings.with_process_endpoints(endpoints)


def save(settings: Settings, path: Path) -> None:
    """Write atomically (temp file + rename) so a crash never leaves half a settings file.

    ``DJDESK_ENDPOINTS`` overrides are per process and are not saved (see ``to_toml``).
    """
    settings.validate()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(settings.to_toml(), encoding="utf-8")
    os.replace(tmp, path)
