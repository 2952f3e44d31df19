"""Provider-neutral records the engine consumes, whatever service a track came from."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class TrackRecord:
    """One track as a source lists it. ``id`` is None for Spotify local files.

    ``available`` is False for entries a service keeps but cannot play (Deezer ``readable``
    false, Spotify null or market-less items); they keep their position rather than vanish.
    """

    provider: str
    id: str | None
    title: str
    artists: tuple[str, ...]
    album: str | None = None
    duration_ms: int | None = None
    isrc: str | None = None
    is_local: bool = False
    available: bool = True
    url: str | None = None
    #: Extra columns (e.g. Exportify's ``Tempo``) kept as text for the engine to interpret.
    extra: Mapping[str, str] = field(default_factory=dict)


#: Told ``(items read so far, total or None)`` after each page of a paged list arrives.
PageCallback = Callable[[int, int | None], None]
#: Awaited with ``(page items, offset of the first, total or None)`` as each page arrives, so a
#: caller can use a long list's first pages while the later ones are still being read.
ItemsCallback = Callable[[Sequence[T], int, int | None], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a paged list; ``next`` is the provider's absolute URL, None on the last."""

    items: tuple[T, ...]
    total: int | None = None
    next: str | None = None
