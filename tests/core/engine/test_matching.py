"""Candidate matching: remixes, edits, covers, shared ISRCs and spellings attach nothing wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from djdesk.core.engine.matching import (
    DEFAULT_THRESHOLD,
    Candidate,
    Match,
    Wanted,
    best_match,
    score,
)


def c(
    id: str,
    title: str,
    *artists: str,
    s: float | None = None,
    isrc: str | None = None,
    album: str | None = None,
    rank: int | None = None,
) -> Candidate:
    return Candidate(
        provider="deezer",
        id=id,
        title=title,
        artists=tuple(artists),
        duration_ms=None if s is None else int(s * 1000),
        isrc=isrc,
        album=album,
        rank=rank,
    )


def w(title: str, *artists: str, s: float | None = None, isrc: str | None = None) -> Wanted:
    return Wanted(title, tuple(artists), None if s is None else int(s * 1000), isrc)


def _deezer_search(api_samples: Path, name: str) -> list[Candidate]:
    """Candidates from a real recorded Deezer search body."""
    body = json.loads((api_samples / "deezer" / name).read_text(encoding="utf-8"))
    return [
        Candidate(
            provider="deezer",
            id=str(t["id"]),
            title=t["title"],
            artists=(t["artist"]["name"],),
            duration_ms=t["duration"] * 1000,
            isrc=t.get("isrc"),
            album=t["album"]["title"],
            rank=t.get("rank"),
        )
        for t in body["data"]
    ]


# --- the table of traps ------------------------------------------------------------------------

GUETTA = "David Guetta"
CASES: list[tuple[str, Wanted, list[Candidate], str | None]] = [
    # Remix vs original, in both orders; the wanted remix by name.
    (
        "original over remix",
        w("Titanium (feat. Sia)", GUETTA, s=245),
        [
            c("remix", "Titanium (feat. Sia) [Alesso Remix]", GUETTA, s=245),
            c("orig", "Titanium (feat. Sia)", GUETTA, "Sia", s=245),
        ],
        "orig",
    ),
    (
        "the remix the title asks for",
        w("Titanium (feat. Sia) - Alesso Remix", GUETTA, s=302),
        [
            c("orig", "Titanium (feat. Sia)", GUETTA, s=245),
            c("other", "Titanium (feat. Sia) [Nicky Romero Remix]", GUETTA, s=300),
            c("alesso", "Titanium (feat. Sia) [Alesso Remix]", GUETTA, s=301),
        ],
        "alesso",
    ),
    (
        "only a remix available: nothing",
        w("Titanium", GUETTA, s=245),
        [c("remix", "Titanium - Alesso Remix", GUETTA, s=245)],
        None,
    ),
    (
        "another remixer's remix: nothing",
        w("Titanium (Alesso Remix)", GUETTA, s=301),
        [c("other", "Titanium (Nicky Romero Remix)", GUETTA, s=301)],
        None,
    ),
    # Radio / extended edits.
    (
        "radio edit by duration",
        w("Levels", "Avicii", s=199),
        [
            c("ext", "Levels - Extended Mix", "Avicii", s=362),
            c("radio", "Levels - Radio Edit", "Avicii", s=199),
        ],
        "radio",
    ),
    (
        "the edit the title asks for",
        w("Levels (Extended Mix)", "Avicii", s=362),
        [
            c("radio", "Levels - Radio Edit", "Avicii", s=199),
            c("orig", "Levels", "Avicii", s=199),
            c("ext", "Levels - Extended Mix", "Avicii", s=362),
        ],
        "ext",
    ),
    (
        "two edits and no duration: ambiguous, nothing",
        w("Levels", "Avicii"),
        [
            c("radio", "Levels - Radio Edit", "Avicii", s=199),
            c("ext", "Levels - Extended Mix", "Avicii", s=362),
        ],
        None,
    ),
    # Live.
    (
        "studio over live",
        w("Under Pressure", "Queen", "David Bowie", s=248),
        [
            c("live", "Under Pressure - Live at Wembley", "Queen", s=250),
            c("studio", "Under Pressure", "Queen", "David Bowie", s=248),
        ],
        "studio",
    ),
    (
        "only live available: nothing",
        w("Under Pressure", "Queen", s=248),
        [c("live", "Under Pressure (Live)", "Queen", s=258)],
        None,
    ),
    (
        "live asked for",
        w("Under Pressure - Live at Wembley '86", "Queen", s=250),
        [
            c("studio", "Under Pressure", "Queen", s=248),
            c("live", "Under Pressure (Live at Wembley '86)", "Queen", s=251),
        ],
        "live",
    ),
    # Remasters with different durations.
    (
        "remaster near-tie: the original the title asks for",
        w("Bohemian Rhapsody", "Queen", s=354),
        [
            c("rem", "Bohemian Rhapsody - Remastered 2011", "Queen", s=355),
            c("orig", "Bohemian Rhapsody", "Queen", s=358),
        ],
        "orig",
    ),
    (
        "remaster asked for",
        w("Bohemian Rhapsody - Remastered 2011", "Queen", s=355),
        [
            c("orig", "Bohemian Rhapsody", "Queen", s=358),
            c("rem", "Bohemian Rhapsody (2011 Remaster)", "Queen", s=355),
        ],
        "rem",
    ),
    (
        "only a remaster, 5 s longer: still the same recording",
        w("Bohemian Rhapsody", "Queen", s=354),
        [c("rem", "Bohemian Rhapsody - 2011 Remaster", "Queen", s=359)],
        "rem",
    ),
    # Covers, karaoke and tributes that rank higher in search.
    (
        "karaoke and tribute ranked first",
        w("Billie Jean", "Michael Jackson", s=294),
        [
            c("kar", "Billie Jean (Karaoke Version)", "Karaoke Hits Band", s=294, rank=900000),
            c(
                "sty",
                "Billie Jean (In the Style of Michael Jackson)",
                "The Karaoke Channel",
                s=294,
                rank=800000,
            ),
            c("trib", "Billie Jean", "Michael Jackson Tribute Band", s=294, rank=700000),
            c("orig", "Billie Jean", "Michael Jackson", s=293, rank=100),
        ],
        "orig",
    ),
    (
        "only karaoke available: nothing",
        w("Billie Jean", "Michael Jackson", s=294),
        [
            c(
                "kar",
                "Billie Jean (Originally Performed by Michael Jackson)",
                "Michael Jackson",
                s=294,
                album="Karaoke Hits",
            )
        ],
        None,
    ),
    (
        "same artist credit on a karaoke album: nothing",
        w("Billie Jean", "Michael Jackson", s=294),
        [c("kar", "Billie Jean", "Michael Jackson", s=294, album="Karaoke: Michael Jackson Hits")],
        None,
    ),
    (
        "a tribute album's track under the same name: nothing",
        w("Smells Like Teen Spirit", "Nirvana", s=301),
        [c("trib", "Smells Like Teen Spirit", "Nirvana", s=301, album="A Tribute to Nirvana")],
        None,
    ),
    (
        "a covers compilation ranked first",
        w("Smells Like Teen Spirit", "Nirvana", s=301),
        [
            c("cov", "Smells Like Teen Spirit", "Nirvana", s=300, album="Grunge Covers", rank=9),
            c("orig", "Smells Like Teen Spirit", "Nirvana", s=301, album="Nevermind", rank=1),
        ],
        "orig",
    ),
    (
        "sped-up version is different audio",
        w("Daylight", "David Kushner", s=212),
        [c("fast", "Daylight (Sped Up)", "David Kushner", s=170)],
        None,
    ),
    # Shared and mismatched ISRCs.
    (
        "records sharing an ISRC: either is right, not ambiguous",
        w("Nightvision", "Daft Punk", s=104, isrc="GBDUW0000061"),
        [
            c("album", "Nightvision", "Daft Punk", s=104, isrc="GBDUW0000061", rank=500),
            c("comp", "Nightvision", "Daft Punk", s=105, isrc="GBDUW0000061", rank=100),
        ],
        "album",
    ),
    (
        "the ISRC decides between equal-looking records",
        w("Around the World", "Daft Punk", s=429, isrc="GBDUW9600011"),
        [
            c("other", "Around the World", "Daft Punk", s=429, isrc="GBDUW9700099"),
            c("same", "Around the World", "Daft Punk", s=431, isrc="GBDUW9600011"),
        ],
        "same",
    ),
    (
        "a different ISRC and 8 s off: nothing",
        w("Around the World", "Daft Punk", s=429, isrc="GBDUW9600011"),
        [c("other", "Around the World", "Daft Punk", s=437, isrc="GBDUW9700099")],
        None,
    ),
    (
        "the same ISRC carries a translated title",
        w("Zankoku na Tenshi no Tēze", "Yoko Takahashi", s=245, isrc="JPKI09500049"),
        [c("jp", "残酷な天使のテーゼ", "高橋洋子", s=245, isrc="JPKI09500049")],
        "jp",
    ),
    (
        "the same ISRC outweighs a version tag",
        w("Song", "Artist", s=200, isrc="USAAA2400001"),
        [c("rmx", "Song (Club Remix)", "Artist", s=200, isrc="USAAA2400001")],
        "rmx",  # an ISRC match is the recording itself; its penalty is halved
    ),
    # Featuring spelling variants.
    (
        "featuring in the title vs in the artists",
        w("STAY", "The Kid LAROI", "Justin Bieber", s=141),
        [c("stay", "STAY (with Justin Bieber)", "The Kid LAROI", s=141)],
        "stay",
    ),
    (
        "artists order-insensitive",
        w("Die With A Smile", "Bruno Mars", "Lady Gaga", s=251),
        [c("dwas", "Die With A Smile", "Lady Gaga, Bruno Mars", s=251)],
        "dwas",
    ),
    (
        "a duo credited by surnames",
        w("Maneater", "Hall & Oates", s=274),
        [c("m", "Maneater", "Daryl Hall & John Oates", s=274)],
        "m",
    ),
    (
        "one word of a longer name is another act",
        w("Bohemian Rhapsody", "Queen", s=354),
        [c("ql", "Bohemian Rhapsody", "Queen Latifah", s=354)],
        None,
    ),
    # Non-Latin names and accents.
    (
        "Japanese matches itself",
        w("残酷な天使のテーゼ", "高橋洋子", s=245),
        [
            c("romaji", "Zankoku na Tenshi no Teze", "Yoko Takahashi", s=245),
            c("jp", "残酷な天使のテーゼ", "高橋洋子", s=246),
        ],
        "jp",
    ),
    (
        "romanised title without an ISRC: nothing",
        w("残酷な天使のテーゼ", "高橋洋子", s=245),
        [c("romaji", "Zankoku na Tenshi no Teze", "Yoko Takahashi", s=245)],
        None,
    ),
    (
        "Cyrillic",
        w("Группа крови", "Кино", s=286),
        [
            c("other", "Звезда по имени Солнце", "Кино", s=225),
            c("kino", "Группа крови", "Кино", s=287),
        ],
        "kino",
    ),
    (
        "Korean with an English subtitle",
        w("강남스타일", "PSY", s=219),
        [c("psy", "강남스타일 (Gangnam Style)", "PSY", s=219)],
        "psy",
    ),
    (
        "accents and case",
        w("Cafe Del Mar", "Energy 52", s=450),
        [c("cdm", "Café del Mar", "Energy 52", s=449)],
        "cdm",
    ),
    (
        "accented artist",
        w("Hoppípolla", "Sigur Ros", s=268),
        [c("sr", "Hoppipolla", "Sigur Rós", s=268)],
        "sr",
    ),
    # Empty and missing fields.
    (
        "title only, nothing else known: not enough",
        w("Intro"),
        [c("intro", "Intro")],
        None,
    ),
    (
        "empty candidate title",
        w("Song", "Artist", s=200),
        [c("empty", "", "Artist", s=200)],
        None,
    ),
    (
        "candidate without duration or artists but exact title + ISRC",
        w("Song", "Artist", s=200, isrc="USAAA2400001"),
        [c("bare", "Song", isrc="USAAA2400001")],
        "bare",
    ),
    (
        "no duration on either side",
        w("Song", "Artist"),
        [c("s", "Song", "Artist")],
        "s",
    ),
    (
        "a longer title by the same artist, same length",
        w("Hello", "Lionel Richie", s=251),
        [c("again", "Hello Again", "Lionel Richie", s=251)],
        None,
    ),
    (
        "a sequel number",
        w("Song", "Blur", s=122),
        [c("two", "Song 2", "Blur", s=122)],
        None,
    ),
    (
        "part 1 vs part 2",
        w("Another Brick in the Wall, Pt. 2", "Pink Floyd", s=239),
        [
            c("p1", "Another Brick in the Wall, Pt. 1", "Pink Floyd", s=191),
            c("p3", "Another Brick in the Wall (Part 3)", "Pink Floyd", s=239),
        ],
        None,
    ),
    (
        "part 2 found among parts",
        w("Another Brick in the Wall, Pt. 2", "Pink Floyd", s=239),
        [
            c("p1", "Another Brick in the Wall, Pt. 1", "Pink Floyd", s=191),
            c("p2", "Another Brick in the Wall, Pt. 2", "Pink Floyd", s=239),
        ],
        "p2",
    ),
    (
        "punctuation and abbreviations",
        w("Mr. Brightside", "The Killers", s=222),
        [c("mb", "Mr Brightside", "Killers", s=223)],
        "mb",
    ),
    (
        "a typo in the title",
        w("Billy Jean", "Michael Jackson", s=294),
        [c("bj", "Billie Jean", "Michael Jackson", s=294)],
        "bj",
    ),
    (
        "same artist, other song",
        w("Not Afraid", "Eminem", s=248),
        [c("stan", "Stan", "Eminem", s=248)],
        None,
    ),
]


@pytest.mark.parametrize(
    ("wanted", "candidates", "expected"),
    [pytest.param(wt, cs, exp, id=name) for name, wt, cs, exp in CASES],
)
def test_traps(wanted: Wanted, candidates: list[Candidate], expected: str | None) -> None:
    match = best_match(wanted, candidates)
    chosen = match.candidate.id if match.candidate else None
    assert chosen == expected, [(e.candidate.id, e.score.to_dict()) for e in match.evidence]
    assert bool(match) is (expected is not None)
    # The evidence always lists every candidate, attached or not.
    assert {e.candidate.id for e in match.evidence} == {x.id for x in candidates}


@pytest.mark.parametrize(
    "credit",
    [
        "A feat. B",
        "A ft. B",
        "A Featuring B",
        "A & B",
        "A x B",
        "A with B",
        "A vs. B",
        "B, A",
        "B & A",
    ],
)
def test_featuring_spelling_variants_score_as_the_same_artists(credit: str) -> None:
    s = score(w("Song", "A", "B", s=200), c("1", "Song", credit, s=200))
    assert s.artists is not None and s.artists >= 0.95
    assert s.total >= 0.95


def test_featured_artist_in_the_wanted_title() -> None:
    s = score(w("Song (feat. B)", "A", s=200), c("1", "Song", "A", "B", s=200))
    assert s.total >= 0.95


# --- real recorded Deezer searches -------------------------------------------------------------


def test_real_billie_jean_search_skips_the_higher_ranked_cover(api_samples: Path) -> None:
    cands = _deezer_search(api_samples, "search_billy_jean_index1_limit4.json")
    assert cands[0].artists == ("Anthony Touma",)  # the cover really does come first
    match = best_match(w("Billie Jean", "Michael Jackson", s=294), cands)
    assert match.candidate is not None
    assert match.candidate.artists == ("Michael Jackson",)
    assert match.candidate.id == "831313"  # the 294 s record, the closest duration
    cover = next(e for e in match.evidence if e.candidate.id == "1516986202")
    assert cover.score.total < DEFAULT_THRESHOLD
    assert "different artist" in cover.score.reasons


def test_real_search_where_the_wanted_track_is_not_there(api_samples: Path) -> None:
    cands = _deezer_search(api_samples, "search_billy_jean_index1_limit4.json")
    match = best_match(w("Billie Jean", "The Bates", s=268), cands)
    assert not match
    assert "below the threshold" in match.reason


def test_real_soliloquy_search_picks_the_right_artist_among_namesakes(api_samples: Path) -> None:
    cands = _deezer_search(api_samples, "search_soliloquy.json")
    match = best_match(w("Soliloquy", "Lou Doillon", s=239), cands)
    assert match.candidate is not None and match.candidate.id == "623719342"
    namesakes = [e for e in match.evidence if e.candidate.title == "Soliloquy"]
    assert len(namesakes) == 3
    assert sum(e.score.total >= DEFAULT_THRESHOLD for e in namesakes) == 1


def test_real_detail_contributors_match_a_featuring_credit(api_samples: Path) -> None:
    body = json.loads(
        (api_samples / "deezer" / "track_detail_1425844092_2022-01-03.json").read_text("utf-8")
    )
    cand = Candidate(
        "deezer",
        str(body["id"]),
        body["title"],
        tuple(x["name"] for x in body["contributors"]),
        body["duration"] * 1000,
        body["isrc"],
    )
    match = best_match(w("Stay (feat. Justin Bieber)", "The Kid LAROI", s=141), [cand])
    assert match.candidate == cand


# --- the decision object -----------------------------------------------------------------------


def test_no_candidates() -> None:
    match = best_match(w("Song", "A"), [])
    assert not match and match.evidence == () and match.reason == "no candidates"


def test_ambiguity_reason_names_the_tied_versions() -> None:
    match = best_match(
        w("Levels", "Avicii"),
        [c("radio", "Levels - Radio Edit", "Avicii"), c("ext", "Levels - Extended Mix", "Avicii")],
    )
    assert not match
    assert match.reason.startswith("ambiguous between versions")
    assert "Radio Edit" in match.reason and "Extended Mix" in match.reason


def test_threshold_is_a_parameter() -> None:
    cands = [c("rem", "Song (Remix)", "A", s=200)]
    assert not best_match(w("Song", "A", s=200), cands)
    assert best_match(w("Song", "A", s=200), cands, threshold=0.5)


def test_evidence_serialises_to_json_with_reasons() -> None:
    match = best_match(
        w("Billie Jean", "Michael Jackson", s=294),
        [
            c("kar", "Billie Jean (Karaoke Version)", "Karaoke Hits Band", s=294),
            c("orig", "Billie Jean", "Michael Jackson", s=293),
        ],
    )
    data = json.loads(json.dumps(match.to_dict()))
    assert data["chosen"] == {"provider": "deezer", "id": "orig"}
    assert [x["id"] for x in data["candidates"]] == ["orig", "kar"]  # best first
    kar = data["candidates"][1]
    assert "karaoke" in kar["versions"]
    assert any("karaoke" in r for r in kar["reasons"])
    assert data["threshold"] == DEFAULT_THRESHOLD


def test_score_is_deterministic_and_bounded() -> None:
    wanted = w("Song (feat. B) - Radio Edit", "A", s=200, isrc="USAAA2400001")
    cand = c("x", "Song [Extended Mix] (Live) (Karaoke)", "Z", s=600, isrc="USAAA2400002")
    first, second = score(wanted, cand), score(wanted, cand)
    assert first == second
    assert 0.0 <= first.total <= 1.0
    assert first.isrc is False
    assert isinstance(best_match(wanted, [cand]), Match)


def test_none_names_from_a_provider_do_not_crash() -> None:
    wanted = Wanted("Song", ("A", None), 200_000)  # type: ignore[arg-type]
    cand = Candidate("deezer", "1", None, (None, "A"), 200_000)  # type: ignore[arg-type]
    assert not best_match(wanted, [cand])  # no title: nothing attached, and no exception
    assert score(wanted, Candidate("deezer", "2", "Song", (None, "A"), 200_000)).total > 0.9  # type: ignore[arg-type]


def test_real_detail_duo_credit_matches_a_short_credit(api_samples: Path) -> None:
    body = json.loads((api_samples / "deezer" / "track_detail_541999.json").read_text("utf-8"))
    cand = Candidate(
        "deezer",
        str(body["id"]),
        body["title"],
        tuple(x["name"] for x in body["contributors"]),
        body["duration"] * 1000,
        body["isrc"],
    )
    assert cand.artists == ("Daryl Hall & John Oates",)
    assert best_match(w("Maneater", "Hall & Oates", s=273), [cand]).candidate == cand
    assert best_match(w("Maneater", "Nelly Furtado", s=242), [cand]).candidate is None
