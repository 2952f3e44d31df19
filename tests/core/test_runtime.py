"""Runtime policies: the user's rates are used, and a known window only shapes the burst."""

from __future__ import annotations

from djdesk.core.models import PROVIDERS
from djdesk.core.runtime import build_policies
from djdesk.core.settings import Settings


def test_default_rates_stay_inside_the_published_windows() -> None:
    policies = build_policies(Settings())
    deezer = policies["deezer"]
    # Any 5 s window sees at most burst + rate * 5 requests: under Deezer's 50.
    assert deezer.rate == 9.5 and deezer.burst + deezer.rate * 5 < 50
    assert policies["musicbrainz"].rate == 0.95 and policies["musicbrainz"].burst == 1
    assert policies["lastfm"].burst + policies["lastfm"].rate * 1 <= 5 + 1
    # ReccoBeats' default (5/s) is above the limit we plan for (30 per 10 s): capped, burst 1,
    # and enough slots that its multi-second answers never hold sends back into a burst.
    recco = policies["reccobeats"]
    assert recco.rate == 2.85 and recco.burst == 1 and recco.concurrency >= recco.rate * 8


def test_a_rate_set_above_a_known_window_is_honoured() -> None:
    """A mirror, a raised quota or the fast sandbox: capping it made ``[rates]`` do nothing."""
    policies = build_policies(Settings(rates=dict.fromkeys(PROVIDERS, 200.0)))
    assert {name: p.rate for name, p in policies.items()} == dict.fromkeys(PROVIDERS, 200.0)
    assert policies["musicbrainz"].concurrency >= 200
    raised = build_policies(Settings(rates={**Settings().rates, "reccobeats": 4.0}))
    assert raised["reccobeats"].rate == 4.0
    lowered = build_policies(Settings(rates={**Settings().rates, "deezer": 4.0}))
    assert lowered["deezer"].rate == 4.0  # the user's own lower rate is kept
