"""Traktor NML (mission.md §4.2): a collection of the playlist's tracks and one playlist.

``MUSICAL_KEY VALUE`` is Traktor's own key number (0-11 major, 12-23 minor) and is what
Traktor shows in any notation it is set to; ``INFO KEY`` is free text, written in the chosen
notation, with the energy in ``COMMENT`` ("8A - Energy 7"). Paths use Traktor's ``/:``
separator and the playlist refers to tracks by ``VOLUME`` + ``DIR`` + ``FILE``. The playlist's
UUID is derived from its library id and name, so exporting again gives Traktor the same
playlist rather than a second copy.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET

from djdesk.core.dj.keys import traktor_value
from djdesk.core.export.locations import traktor_location
from djdesk.core.export.tracks import ExportPlaylist, ExportTrack

NML_VERSION = "19"
_NAMESPACE = uuid.UUID("6f1c7f0e-2a3b-4c5d-8e9f-0a1b2c3d4e5f")


def _release_date(t: ExportTrack) -> str:
    """Traktor's dates are ``2023/5/1`` (no zero padding)."""
    parts = t.release_date[:10].split("-")
    if t.year is None or len(parts) != 3 or not all(p.isdigit() for p in parts):
        return f"{t.year}/1/1" if t.year is not None else ""
    return "/".join(str(int(p)) for p in parts)


def _entry(parent: ET.Element, t: ExportTrack, notation: str) -> str:
    el = ET.SubElement(parent, "ENTRY", TITLE=t.title, ARTIST=t.artist)
    volume, directory, name = traktor_location(t.location) if t.location else ("", "/:", "")
    ET.SubElement(el, "LOCATION", DIR=directory, FILE=name, VOLUME=volume)
    if t.album:
        ET.SubElement(el, "ALBUM", TITLE=t.album)
    info = {
        "GENRE": ", ".join(t.genres),
        "LABEL": t.label,
        "COMMENT": t.comment(notation),
        "KEY": t.key_text(notation),
        "PLAYTIME": "" if t.duration_s is None else str(t.duration_s),
        "RELEASE_DATE": _release_date(t),
    }
    ET.SubElement(el, "INFO", {k: v for k, v in info.items() if v})
    if t.bpm is not None:
        ET.SubElement(el, "TEMPO", BPM=f"{t.bpm:.6f}", BPM_QUALITY="100.000000")
    if t.key is not None:
        ET.SubElement(el, "MUSICAL_KEY", VALUE=str(traktor_value(*t.key)))
    return volume + directory + name


def build(playlist: ExportPlaylist, notation: str = "camelot") -> ET.Element:
    root = ET.Element("NML", VERSION=NML_VERSION)
    ET.SubElement(root, "HEAD", COMPANY="www.native-instruments.com", PROGRAM="Traktor")
    collection = ET.SubElement(root, "COLLECTION")
    keys: dict[int, str] = {}
    for t in playlist.tracks:
        if t.track_id not in keys:
            keys[t.track_id] = _entry(collection, t, notation)
    collection.set("ENTRIES", str(len(keys)))
    lists = ET.SubElement(root, "PLAYLISTS")
    folder = ET.SubElement(lists, "NODE", TYPE="FOLDER", NAME="$ROOT")
    sub = ET.SubElement(folder, "SUBNODES", COUNT="1")
    node = ET.SubElement(sub, "NODE", TYPE="PLAYLIST", NAME=playlist.name)
    ident = uuid.uuid5(_NAMESPACE, f"{playlist.id}:{playlist.name}").hex
    items = ET.SubElement(
        node, "PLAYLIST", ENTRIES=str(len(playlist.tracks)), TYPE="LIST", UUID=ident
    )
    for t in playlist.tracks:
        entry = ET.SubElement(items, "ENTRY")
        ET.SubElement(entry, "PRIMARYKEY", TYPE="TRACK", KEY=keys[t.track_id])
    return root


def render(playlist: ExportPlaylist, notation: str = "camelot") -> bytes:
    root = build(playlist, notation)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n' + body + "\n").encode(
        "utf-8"
    )
