"""What ``djdesk enrich INPUT`` points at, worked out (and refused) before any progress shows.

``INPUT`` is a link or an Exportify CSV to import, as before; or, when it is not one, a
playlist already in the library, named the way ``show``/``export``/``remove`` take it (the
number ``djdesk playlists`` prints, the provider's id or the name). A playlist is enriched as
the window's Re-enrich (Ctrl+R) does it: its latest stopped job is resumed (finished tracks are
kept), else a new run starts from the link or file it was imported from.
"""

from __future__ import annotations

from dataclasses import dataclass

from djdesk.cli.commands.library import ambiguous, match_playlists
from djdesk.core.engine.enricher import Engine, EnrichOptions, JobResult
from djdesk.core.engine.one_track import TRACK_INPUT
from djdesk.core.errors import InputError, UnsupportedLinkError
from djdesk.core.i18n import _
from djdesk.core.library import Job, Library, PlaylistSummary
from djdesk.core.library.states import RESUMABLE_JOB_STATES, latest_resumable
from djdesk.core.urls import parse_source

NOTHING_HINT = "Give a playlist link, a CSV file or a playlist's number, or --resume JOB."
#: When INPUT is neither a link nor a playlist, and the link error has no more precise hint.
NEITHER_HINT = (
    "Give a Spotify or Deezer playlist, album or track link, an Exportify CSV file, or a "
    "playlist's number or name from `djdesk playlists`."
)


@dataclass(frozen=True, slots=True)
class EnrichTarget:
    """Either a source to import and enrich as a new job, or a stored job to resume."""

    source: str | None = None
    job: Job | None = None
    #: The library playlist INPUT named (None for a link, a file or ``--resume JOB``).
    playlist: PlaylistSummary | None = None

    async def run(self, engine: Engine, options: EnrichOptions) -> JobResult:
        if self.job is not None:
            return await engine.resume(self.job.id)
        assert self.source is not None
        return await engine.enrich(self.source, options)


async def resolve(library: Library, text: str | None, job_id: str | None) -> EnrichTarget:
    """The target, or the ``InputError`` that says why there is none (nothing has run yet)."""
    if job_id:
        return EnrichTarget(job=await _stored_job(library, job_id))
    if not text:
        raise InputError(_("Nothing to enrich."), hint=_(NOTHING_HINT))
    try:
        parse_source(text)
    except UnsupportedLinkError as not_a_link:
        return await _playlist_target(library, text, not_a_link)
    return EnrichTarget(source=text)


async def _stored_job(library: Library, job_id: str) -> Job:
    job = await library.get_job(job_id)
    if job is None:
        raise InputError(
            _("No job {job!r} in the library.").format(job=job_id),
            hint=_("List them with `djdesk jobs`."),
        )
    if job.input.startswith(TRACK_INPUT):
        raise InputError(
            _("Job {job} re-enriched one track; there is nothing of it to resume.").format(
                job=job_id
            ),
            hint=_("Re-enrich the track's playlist, or pin the match again."),
        )
    return job


async def _playlist_target(
    library: Library, text: str, not_a_link: UnsupportedLinkError
) -> EnrichTarget:
    matches = match_playlists(await library.list_playlists(), text)
    if len(matches) > 1:
        raise ambiguous(text, matches)
    if not matches:
        if not_a_link.hint != UnsupportedLinkError.default_hint:
            raise not_a_link  # a precise problem, e.g. "The file 'crate.csv' does not exist."
        raise UnsupportedLinkError(
            _("{text!r} is neither a link DJDesk recognises nor a playlist in the library.").format(
                text=text
            ),
            hint=_(NEITHER_HINT),
        )
    (playlist,) = matches
    job = latest_resumable(await library.list_jobs(RESUMABLE_JOB_STATES), playlist.id)
    if job is not None:
        return EnrichTarget(job=job, playlist=playlist)
    if not playlist.url:
        raise InputError(
            _("“{name}” has no link or file to enrich it from.").format(name=playlist.name),
            hint=_("Import it again from its link or CSV file."),
        )
    try:
        parse_source(playlist.url)
    except UnsupportedLinkError as exc:  # e.g. a CSV file since moved or deleted
        raise InputError(
            _("“{name}” cannot be read again from {url}: {problem}").format(
                name=playlist.name, url=playlist.url, problem=exc.message
            ),
            hint=exc.hint,
        ) from None
    return EnrichTarget(source=playlist.url, playlist=playlist)
