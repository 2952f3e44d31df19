"""Rekordbox XML (mission.md §4.1): a collection of the playlist's tracks and one playlist node.

Rekordbox imports it under Preferences → Advanced → "rekordbox xml" → Imported Library. Each
distinct track is one collection ``TRACK`` (a track listed twice is listed twice in the
playlist node, once in the collection). ``Tonality`` is the classic key ("Am"), the notation
Rekordbox itself writes there; the chosen notation goes into ``Comments`` with the energy in
the Mixed In Key style "8A - Energy 7" DJs sort on. ``Location`` is a local file or the
placeholder described in ``export.locations``. Attribute values are escaped by ElementTree.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from djdesk import __version__
from djdesk.core.export.locations import file_uri
from djdesk.core.export.tracks import ExportPlaylist, ExportTrack

_KINDS = {
    ".mp3": "MP3 File",
    ".flac": "FLAC File",
    ".wav": "WAV File",
    ".aiff": "AIFF File",
    ".aif": "AIFF File",
    ".m4a": "M4A File",
    ".aac": "M4A File",
    ".alac": "M4A File",
}


def _attrs(t: ExportTrack, track_id: int, notation: str) -> dict[str, str]:
    attrs = {
        "TrackID": str(track_id),
        "Name": t.title,
        "Artist": t.artist,
        "Album": t.album,
        "Genre": ", ".join(t.genres),
        "Kind": _KINDS.get(t.location.suffix.lower(), "") if t.location else "",
        "TotalTime": str(t.duration_s or 0),
        "Year": str(t.year or 0),
        "AverageBpm": f"{t.bpm:.2f}" if t.bpm is not None else "0.00",
        "Comments": t.comment(notation),
        "Location": file_uri(t.location) if t.location else "",
        "Tonality": t.key_text("classic"),
        "Label": t.label,
    }
    if t.added_at[:10].count("-") == 2:
        attrs["DateAdded"] = t.added_at[:10]
    # An empty or zero attribute says nothing Rekordbox could use: leave it out.
    keep = ("TrackID", "Name", "Artist", "Location", "AverageBpm")
    return {k: v for k, v in attrs.items() if k in keep or v not in ("", "0")}


def build(playlist: ExportPlaylist, notation: str = "camelot") -> ET.Element:
    root = ET.Element("DJ_PLAYLISTS", Version="1.0.0")
    ET.SubElement(root, "PRODUCT", Name="DJDesk", Version=__version__, Company="DJDesk")
    collection = ET.SubElement(root, "COLLECTION")
    ids: dict[int, int] = {}
    for t in playlist.tracks:
        if t.track_id in ids:
            continue
        ids[t.track_id] = len(ids) + 1
        el = ET.SubElement(collection, "TRACK", _attrs(t, ids[t.track_id], notation))
        if t.bpm is not None:
            # A beat grid needs the first beat, which DJDesk does not know: Rekordbox analyses
            # the file and keeps this tempo when the grid is missing.
            ET.SubElement(el, "TEMPO", Inizio="0.000", Bpm=f"{t.bpm:.2f}", Metro="4/4", Battito="1")
    collection.set("Entries", str(len(ids)))
    nodes = ET.SubElement(root, "PLAYLISTS")
    folder = ET.SubElement(nodes, "NODE", Type="0", Name="ROOT", Count="1")
    node = ET.SubElement(
        folder,
        "NODE",
        Name=playlist.name,
        Type="1",
        KeyType="0",
        Entries=str(len(playlist.tracks)),
    )
    for t in playlist.tracks:
        ET.SubElement(node, "TRACK", Key=str(ids[t.track_id]))
    return root


def render(playlist: ExportPlaylist, notation: str = "camelot") -> bytes:
    root = build(playlist, notation)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")
