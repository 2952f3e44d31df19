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
from typing import Any, NoReturn

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


def _bad(key: str, value: object, expected: str) -> NoReturn:
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


# --- dotted keys: what `djdesk config` gets and sets (the settings the dialog edits) ------------

#: Plain settings a user may set; tables are addressed as ``rates.deezer``, ``ttl.deezer.track``
#: and ``endpoints.lastfm``. ``schema_version`` and the process-only fields are not settable.
SCALAR_KEYS: tuple[str, ...] = ("key_notation", "bpm_min", "bpm_max", "demo", "spotify_client_id")
TABLE_KEYS: tuple[str, ...] = ("rates", "ttl", "endpoints")
_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})
_UNITS = {"s": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0, "d": 86400.0, "days": 86400.0}


def _ttl_names() -> frozenset[str]:
    from djdesk.core.cache.policy import DEFAULT_TTLS

    return frozenset(DEFAULT_TTLS)


def default_ttl(namespace: str) -> float | None:
    from djdesk.core.cache.policy import DEFAULT_TTLS

    return DEFAULT_TTLS.get(namespace)


def setting_keys(settings: Settings) -> list[str]:
    """Every dotted key, in the order ``djdesk config list`` shows them."""
    ttl = sorted(_ttl_names() | set(settings.ttl))
    return [
        *SCALAR_KEYS,
        *(f"rates.{p}" for p in DEFAULT_RATES),
        *(f"ttl.{ns}" for ns in ttl),
        *(f"endpoints.{p}" for p in PROVIDERS),
    ]


def _split(key: str) -> tuple[str, str | None]:
    """``rates.deezer`` → ("rates", "deezer"); a scalar → (name, None); unknown → ConfigError."""
    key = key.strip()
    if key in SCALAR_KEYS:
        return key, None
    table, _dot, name = key.partition(".")
    if table in TABLE_KEYS and name:
        known = _ttl_names() if table == "ttl" else frozenset(PROVIDERS)
        if name in known:
            return table, name
        raise ConfigError(
            f"There is no setting {key!r}: {name!r} is not a "
            f"{'cache namespace' if table == 'ttl' else 'provider'}.",
            hint=f"Choose one of: {', '.join(sorted(known))}.",
        )
    raise ConfigError(
        f"There is no setting {key!r}.",
        hint="See every setting with `djdesk config list`.",
    )


def get_setting(settings: Settings, key: str) -> Any:
    """The value in effect (a TTL without an override: the namespace's default, in seconds)."""
    table, name = _split(key)
    if name is None:
        return getattr(settings, table)
    if table == "ttl":
        return settings.ttl.get(name, default_ttl(name))
    return getattr(settings, table).get(name)


def parse_duration(text: str) -> float:
    """ "3600", "90m", "12h", "30d" → seconds (a bare number is seconds, as in the file)."""
    s = text.strip().lower()
    number = s.rstrip("abcdefghijklmnopqrstuvwxyz ")
    unit = s[len(number) :].strip() or "s"
    try:
        value = float(number)
    except ValueError:
        value = math.nan
    if unit not in _UNITS or not math.isfinite(value) or value < 0:
        raise ConfigError(
            f"{text!r} is not a lifetime.",
            hint="Give a number of seconds, or one with a unit: 90m, 12h, 30d.",
        )
    return value * _UNITS[unit]


def format_duration(seconds: float) -> str:
    for unit, size in (("d", 86400.0), ("h", 3600.0), ("m", 60.0)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds / size:g}{unit}"
    return f"{seconds:g}s"


def _parse_scalar(key: str, text: str) -> Any:
    default = getattr(Settings(), key)
    if isinstance(default, bool):
        word = text.strip().lower()
        if word in _TRUE | _FALSE:
            return word in _TRUE
        _bad(key, text, "true or false (also yes/no, on/off)")
    if isinstance(default, float):
        try:
            return float(text)
        except ValueError:
            _bad(key, text, "a number")
    return text.strip()


def set_setting(settings: Settings, key: str, text: str) -> Settings:
    """A new validated ``Settings`` with ``key`` set from ``text``; ``ConfigError`` if wrong.

    The error's hint says nothing was changed (the file's own hint is about editing the file).
    """
    try:
        return _set_setting(settings, key, text)
    except ConfigError as exc:
        if exc.hint == ConfigError.default_hint:
            exc.hint = "Nothing was saved. `djdesk config list` shows every setting and value."
        raise


def _set_setting(settings: Settings, key: str, text: str) -> Settings:
    table, name = _split(key)
    if name is None:
        return replace(settings, **{table: _parse_scalar(table, text)}).validate()
    if table == "ttl":
        value: Any = parse_duration(text)
    elif table == "rates":
        try:
            value = float(text)
        except ValueError:
            _bad(key, text, "a positive number of requests per second")
    else:
        value = text.strip().rstrip("/")
    return replace(settings, **{table: {**getattr(settings, table), name: value}}).validate()


def unset_setting(settings: Settings, key: str) -> Settings:
    """Back to the default (a TTL override removed: the namespace's own lifetime applies)."""
    table, name = _split(key)
    base = Settings()
    if name is None:
        return replace(settings, **{table: getattr(base, table)}).validate()
    values = dict(getattr(settings, table))
    if table == "ttl":
        values.pop(name, None)
    else:
        values[name] = getattr(base, table)[name]
    return replace(settings, **{table: values}).validate()
