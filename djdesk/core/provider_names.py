"""Provider names as people read them ("Last.fm", not ``lastfm``), for every front end and message.

One map, here at the top of the core and outside its layers, so the network lanes, the engine,
the CLI and the GUI can all use it (``core.providers`` would pull every client in and sits above
``core.net``). Marked with ``N_`` and translated when asked for, so a language chosen after import
counts; an id that is not listed (a provider added later) is shown as stored, since it is data.
"""

from __future__ import annotations

from djdesk.core.i18n import N_, _

#: Every endpoint in ``core.models.PROVIDERS`` and the ids a track is known by.
PROVIDER_LABELS: dict[str, str] = {
    "deezer": N_("Deezer"),
    "lastfm": N_("Last.fm"),
    "musicbrainz": N_("MusicBrainz"),
    "reccobeats": N_("ReccoBeats"),
    "spotify": N_("Spotify"),
    "spotify_accounts": N_("Spotify accounts"),
    "isrc": N_("ISRC"),
}

#: What fusion writes as a value's source when no provider had it.
_SOURCE_WORDS: dict[str, str] = {"default": N_("default")}


def provider_label(name: str) -> str:
    """The translated display name of provider ``name`` (its id as is when unknown)."""
    label = PROVIDER_LABELS.get(name)
    return _(label) if label is not None else name


def source_label(source: str) -> str:
    """A stored field source for display: ``"reccobeats+deezer (agree)"`` reads
    ``"ReccoBeats + Deezer (agree)"``. Fusion joins the agreeing providers with ``+`` and the
    GUI adds the note in brackets; the note is the engine's own text and stays as it is."""
    head, sep, note = source.partition(" (")
    names = []
    for part in head.split("+"):
        word = _SOURCE_WORDS.get(part)
        names.append(_(word) if word is not None else provider_label(part))
    return " + ".join(names) + (f" ({note}" if sep else "")
