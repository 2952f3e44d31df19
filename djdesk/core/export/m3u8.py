"""Extended M3U in UTF-8 (mission.md §4.3): the playlist any player or DJ program opens.

Each entry is ``#EXTINF:<seconds>,<Artist> - <Title>`` and then the track's local file when a
music folder had it, else its Deezer or Spotify page: DJ software loads only local paths, so
those lines are a reference and shopping list (the export report counts them). Before each
entry a plain ``#`` comment line carries BPM, key (in the chosen notation), energy, genres and
label, because M3U has no fields for them and readers skip unknown ``#`` lines. The comment
goes before ``#EXTINF`` so no reader can take it for the entry's path.
"""

from __future__ import annotations

from djdesk.core.export.tracks import ExportPlaylist, ExportTrack


def _notes(t: ExportTrack, notation: str) -> str:
    parts = []
    if t.bpm is not None:
        parts.append(f"{t.bpm:.1f} BPM")
    if t.key is not None:
        parts.append(t.key_text(notation))
    if t.energy_level is not None:
        parts.append(f"Energy {t.energy_level}")
    if t.genres:
        parts.append(", ".join(t.genres))
    if t.label:
        parts.append(t.label)
    if t.year is not None:
        parts.append(str(t.year))
    return " | ".join(parts)


def _target(t: ExportTrack) -> str:
    if t.local and t.location is not None:
        return str(t.location)
    return t.link


def render(playlist: ExportPlaylist, notation: str = "camelot") -> bytes:
    lines = ["#EXTM3U", f"#PLAYLIST:{playlist.name}"]
    for t in playlist.tracks:
        target = _target(t)
        if not target:  # an #EXTINF without a path would pair with the next entry's path
            lines.append(f"# DJDesk: no file or link for {t.display}")
            continue
        notes = _notes(t, notation)
        if notes:
            lines.append(f"# DJDesk: {notes}")
        if t.genres:
            lines.append(f"#EXTGENRE:{t.genres[0]}")
        seconds = t.duration_s if t.duration_s is not None else -1
        lines.append(f"#EXTINF:{seconds},{t.display}")
        lines.append(target)
    return ("\n".join(lines) + "\n").encode("utf-8")
