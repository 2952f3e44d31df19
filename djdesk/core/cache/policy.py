"""The cache's decisions, pure and clock-free: TTL per namespace, negatives, namespace versions.

Nothing here reads a clock or a file: callers pass ``now`` (from their injected
``djdesk.core.clock.Clock.time()``), so every rule is tested with plain numbers (the hishel way:
sans-I/O policy, storage elsewhere).

Namespaces are dotted names (``deezer.track``). A namespace's *effective version* is the sum of
the bump counts of every prefix in its chain (``deezer`` + ``deezer.track``), so bumping
``deezer`` invalidates every ``deezer.*`` namespace at once and bumping ``deezer.track`` only
that one. Sums only grow, so an old effective version is never reused.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from djdesk.core.errors import ConfigError

MINUTE = 60.0
HOUR = 60 * MINUTE
DAY = 24 * HOUR

#: Fresh lifetime of a positive entry, per namespace (figures from the seeds, issue 3).
DEFAULT_TTLS: Mapping[str, float] = MappingProxyType(
    {
        "deezer.track": 90 * DAY,
        "deezer.search": 7 * DAY,
        "deezer.playlist": 24 * HOUR,
        "deezer.album": 7 * DAY,
        "musicbrainz.isrc": 30 * DAY,
        "musicbrainz.search": 30 * DAY,
        "musicbrainz.recording": 30 * DAY,
        "lastfm.track": 7 * DAY,
        "lastfm.correction": 30 * DAY,
        "lastfm.artist": 7 * DAY,
        "lastfm.similar": 7 * DAY,
        "reccobeats.features": 90 * DAY,
        "reccobeats.track": 30 * DAY,
        "reccobeats.idmap.spotify": 180 * DAY,
        "reccobeats.idmap.reccobeats": 180 * DAY,
        "reccobeats.search": 30 * DAY,
        "reccobeats.recommendations": 7 * DAY,
        "spotify.playlist": 24 * HOUR,
        "spotify.playlist_items": 24 * HOUR,
        "spotify.track": 7 * DAY,
        "spotify.search": 7 * DAY,
        "spotify.user": 7 * DAY,
    }
)

#: "Not found" answers are kept briefly so a fix upstream shows up soon.
DEFAULT_NEGATIVE_TTL = 5 * MINUTE

#: Where "no mapping" is itself stable knowledge, a negative lives longer than 5 minutes.
DEFAULT_NEGATIVE_TTLS: Mapping[str, float] = MappingProxyType(
    {
        "reccobeats.idmap.spotify": 14 * DAY,
        "reccobeats.idmap.reccobeats": 14 * DAY,
    }
)

#: Settings key that overrides the default negative TTL; ``"<namespace>:negative"`` overrides
#: one namespace's negative TTL.
NEGATIVE_KEY = "negative"
NEGATIVE_SUFFIX = ":negative"

_NAMESPACE_RE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
MAX_NAMESPACE_LEN = 64


class UnknownNamespaceError(KeyError):
    """A namespace with no TTL in the table: a programming error, not a user one."""


def validate_namespace(name: str) -> str:
    """Namespaces are lower-case dotted words; ``:`` is reserved (the CLI's ``ns:key``)."""
    if not isinstance(name, str) or len(name) > MAX_NAMESPACE_LEN or not _NAMESPACE_RE.match(name):
        raise ValueError(
            f"invalid cache namespace {name!r}: use lower-case dotted words like 'deezer.track'"
        )
    return name


def namespace_chain(name: str) -> tuple[str, ...]:
    """``"a.b.c"`` -> ``("a", "a.b", "a.b.c")``: every prefix whose bump reaches ``name``."""
    parts = name.split(".")
    return tuple(".".join(parts[: i + 1]) for i in range(len(parts)))


def is_within(name: str, prefix: str) -> bool:
    """True when ``name`` is ``prefix`` itself or one of its dotted children."""
    return name == prefix or name.startswith(prefix + ".")


def effective_version(name: str, versions: Mapping[str, int]) -> int:
    """The version rows of ``name`` must carry to be read: the sum of its chain's bumps."""
    return sum(versions.get(part, 0) for part in namespace_chain(name))


def is_fresh(expires: float, now: float) -> bool:
    """An entry is served normally strictly before its expiry second."""
    return now < expires


@dataclass(frozen=True, slots=True)
class TtlPolicy:
    """Lifetimes per namespace; build one with ``TtlPolicy.from_overrides(settings.ttl)``."""

    ttls: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_TTLS))
    negative_ttls: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_NEGATIVE_TTLS))
    negative_default: float = DEFAULT_NEGATIVE_TTL

    @classmethod
    def from_overrides(cls, overrides: Mapping[str, float] | None = None) -> TtlPolicy:
        """Apply the user's ``Settings.ttl`` on top of the defaults.

        Keys are namespaces from the table, ``"negative"`` (every negative entry) or
        ``"<namespace>:negative"``. An unknown key raises ``ConfigError`` naming it, so a typo
        in settings.toml does not silently keep the default.
        """
        ttls = dict(DEFAULT_TTLS)
        negative_ttls = dict(DEFAULT_NEGATIVE_TTLS)
        negative_default = DEFAULT_NEGATIVE_TTL
        for key, seconds in (overrides or {}).items():
            value = _seconds(key, seconds)
            if key == NEGATIVE_KEY:
                negative_default = value
            elif key.endswith(NEGATIVE_SUFFIX) and key[: -len(NEGATIVE_SUFFIX)] in DEFAULT_TTLS:
                negative_ttls[key[: -len(NEGATIVE_SUFFIX)]] = value
            elif key in DEFAULT_TTLS:
                ttls[key] = value
            else:
                raise ConfigError(
                    f"Setting 'ttl.{key}' names no cache namespace; known ones are "
                    f"{', '.join(sorted(DEFAULT_TTLS))} (and 'negative')."
                )
        return cls(ttls=ttls, negative_ttls=negative_ttls, negative_default=negative_default)

    def ttl_for(self, namespace: str, *, negative: bool = False) -> float:
        """Seconds an entry of ``namespace`` stays fresh; an unknown namespace raises."""
        if namespace not in self.ttls:
            raise UnknownNamespaceError(namespace)
        if negative:
            return self.negative_ttls.get(namespace, self.negative_default)
        return self.ttls[namespace]

    def expires_at(
        self, namespace: str, now: float, *, negative: bool = False, ttl: float | None = None
    ) -> float:
        """Expiry time for an entry written at ``now``; an explicit ``ttl`` wins over the table."""
        seconds = self.ttl_for(namespace, negative=negative) if ttl is None else ttl
        return now + seconds

    def known(self, namespace: str) -> bool:
        return namespace in self.ttls


def _seconds(key: str, value: object) -> float:
    if (
        not isinstance(value, int | float)
        or isinstance(value, bool)
        or not math.isfinite(value)
        or value < 0
    ):
        raise ConfigError(
            f"Setting 'ttl.{key}' has an invalid value {value!r}; expected seconds >= 0."
        )
    return float(value)
