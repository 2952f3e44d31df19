"""How a finished run's gaps read ("6 failed, 9 partial"), one wording for panel, list and log.

Two kinds of gap, told apart because only one has a remedy: tracks a lookup failed for (a
provider down, a bad answer) are tried again by a new run; a partial track whose sources all
answered but lacked a field stays partial however often it runs.
"""

from __future__ import annotations

from djdesk.core.events import JobStateChanged
from djdesk.core.i18n import _


def outcome_text(failed: int, partial: int) -> str:
    """ "6 failed, 9 partial" (only the non-zero parts; "" when the run left no gap)."""
    parts = []
    if failed:
        parts.append(_("{n} failed").format(n=f"{failed:,}"))
    if partial:
        parts.append(_("{n} partial").format(n=f"{partial:,}"))
    return ", ".join(parts)


def gaps_text(event: JobStateChanged) -> str:
    """The gaps of a run's tracks: "6 failed, 9 partial", or "2 with errors" when the failed
    lookups still left those tracks complete (the other sources had every field)."""
    text = outcome_text(event.failed, event.partial)
    if not text and event.retry:
        return _("{n} with errors").format(n=f"{event.retry:,}")
    return text


def worst_gap(event: JobStateChanged) -> str:
    """The gap that matters most, alone ("6 failed"), for a narrow place like the playlist
    list: the whole "6 failed, 9 partial" squeezed the playlist's name to "Demo…"."""
    if event.failed:
        return outcome_text(event.failed, 0)
    if event.partial:
        return outcome_text(0, event.partial)
    return gaps_text(event)


def has_gaps(event: JobStateChanged) -> bool:
    """A finished run some of whose tracks failed or came back partial: not a clean finish,
    and every view must say so (a green "enriched" hid 6 failed tracks of 15)."""
    return event.state == "done" and bool(event.failed or event.partial or event.retry)


def advice(event: JobStateChanged, *, sentence: bool = False) -> str:
    """What to do about the gaps: re-enrich when lookups failed; otherwise why it would not
    help (claiming it would sends the DJ round a loop that changes nothing). ``sentence``:
    capitalised, to stand on its own (the panel's status) rather than end a log line."""
    n = f"{event.retry:,}"
    if event.retry and sentence:
        return _("Re-enrich (Ctrl+R) tries the {n} with errors again").format(n=n)
    if event.retry:
        return _("re-enrich (Ctrl+R) tries the {n} with errors again").format(n=n)
    if sentence:
        return _("No source had the missing fields")
    return _("no source had the missing fields")
