"""Title and artist normalisation: one comparable form for every provider's spelling."""

from __future__ import annotations

import pytest

from djdesk.core.engine.text import (
    artist_keys,
    fold_text,
    normalise_isrc,
    parse_title,
    split_artists,
    version_tags,
)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Beyoncé", "beyonce"),
        ("Sigur Rós", "sigur ros"),
        ("Mötley Crüe", "motley crue"),
        ("Røyksopp", "royksopp"),
        ("Ærøskøbing", "aeroskobing"),
        ("Don’t Stop Me Now", "dont stop me now"),
        ("Harder, Better, Faster, Stronger", "harder better faster stronger"),
        ("Rock & Roll", "rock and roll"),
        ("ＡＢＣ", "abc"),  # full-width Latin
        ("Straße", "strasse"),
        # Non-Latin scripts keep every letter (the Japanese voiced marks too).
        ("残酷な天使のテーゼ", "残酷な天使のテーゼ"),
        ("ガッチャ", "ガッチャ"),
        ("Группа крови", "группа крови"),
        ("Ёлка", "ёлка"),
        ("강남스타일", "강남스타일"),
        ("Ελένη", "ελένη"),
        ("", ""),
        (None, ""),
        ("  -- ", ""),
    ],
)
def test_fold_text(raw: str | None, folded: str) -> None:
    assert fold_text(raw) == folded


@pytest.mark.parametrize(
    ("title", "base", "versions", "featured"),
    [
        (
            "Song (feat. X & Y) [Radio Edit] - 2011 Remaster",
            "song",
            {"radio_edit", "remaster"},
            ("X", "Y"),
        ),
        ("Titanium (feat. Sia) - David Guetta Remix", "titanium", {"remix"}, ("Sia",)),
        ("Titanium (ft. Sia)", "titanium", set(), ("Sia",)),
        ("Titanium featuring Sia", "titanium", set(), ("Sia",)),
        ("Stay (with Justin Bieber)", "stay", set(), ("Justin Bieber",)),
        ("Levels - Extended Mix", "levels", {"extended"}, ()),
        ("Levels (Radio Edit)", "levels", {"radio_edit"}, ()),
        ("Levels - Edit", "levels", {"edit"}, ()),
        ("Strobe - Original Mix", "strobe", set(), ()),
        ("Smack That (Clean)", "smack that", set(), ()),
        ("Song [Live at Wembley]", "song", {"live"}, ()),
        ("Song - Acoustic", "song", {"acoustic"}, ()),
        ("Song (Instrumental)", "song", {"instrumental"}, ()),
        ("Song (Sped Up)", "song", {"sped_up"}, ()),
        ("Song (Slowed + Reverb)", "song", {"slowed"}, ()),
        ("All Too Well (Taylor's Version)", "all too well", {"rerecorded"}, ()),
        (
            "Billie Jean - Karaoke Version (Originally Performed by Michael Jackson)",
            "billie jean",
            {"karaoke"},
            (),
        ),
        ("Billie Jean (In the Style of Michael Jackson)", "billie jean", {"karaoke"}, ()),
        ("Song (prod. by Metro Boomin)", "song", set(), ()),
        ("(There Is) No Greater Love (Remastered)", "there is no greater love", {"remaster"}, ()),
        ("Bohemian Rhapsody - Remastered 2011", "bohemian rhapsody", {"remaster"}, ()),
        ("Song - Mono", "song", {"remaster"}, ()),
        ("Live and Let Die", "live and let die", set(), ()),  # "live" in the title itself
        ("Edit the World", "edit the world", set(), ()),
        ("Café del Mar - Energy 52 Remix", "cafe del mar", {"remix"}, ()),
        ("強い気持ち・強い愛 (Remix)", "強い気持ち 強い愛", {"remix"}, ()),
        ("", "", set(), ()),
    ],
)
def test_parse_title(title: str, base: str, versions: set[str], featured: tuple[str, ...]) -> None:
    parts = parse_title(title)
    assert parts.base == base
    assert parts.versions == frozenset(versions)
    assert parts.featured == featured


def test_unknown_bracket_content_stays_in_the_title_but_core_drops_it() -> None:
    parts = parse_title("Venom (Music From The Motion Picture)")
    assert parts.base == "venom music from the motion picture"
    assert parts.core == "venom"
    assert parse_title("Song ft. Someone").core == "song"


def test_version_tags_of_neutral_descriptors_are_empty() -> None:
    for text in ("Original Mix", "Album Version", "Explicit", "Radio", None, ""):
        assert version_tags(text) == frozenset()
    assert version_tags("Radio Edit") == {"radio_edit"}  # not also "edit"
    assert version_tags("Extended Mix") == {"extended"}  # not also "remix"


@pytest.mark.parametrize(
    ("credits", "names"),
    [
        (["A feat. B"], ("A", "B")),
        (["A ft. B"], ("A", "B")),
        (["A Featuring B"], ("A", "B")),
        (["A & B"], ("A", "B")),
        (["A x B"], ("A", "B")),
        (["A X B"], ("A", "B")),
        (["A × B"], ("A", "B")),
        (["A with B"], ("A", "B")),
        (["A vs. B"], ("A", "B")),
        (["A vs B"], ("A", "B")),
        (["A, B; C / D"], ("A", "B", "C", "D")),
        (["A", "B", "A"], ("A", "B")),
        (["Malcolm X"], ("Malcolm X",)),
        (["Xzibit"], ("Xzibit",)),
        (["", None], ()),
    ],
)
def test_split_artists(credits: list[str | None], names: tuple[str, ...]) -> None:
    assert split_artists(credits) == names


def test_artist_keys_keep_whole_credits_and_drop_the_article() -> None:
    keys = artist_keys(["Daryl Hall & John Oates"])
    assert {"daryl hall", "john oates", "daryl hall and john oates"} <= keys
    assert "beatles" in artist_keys(["The Beatles"])
    assert artist_keys(["高橋洋子"]) == {"高橋洋子"}
    assert artist_keys([]) == frozenset()


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("GBDUW0000059", "GBDUW0000059"),
        ("gb-duw-00-00059", "GBDUW0000059"),
        (" USUM72409273 ", "USUM72409273"),
        ("", None),
        (None, None),
        ("not an isrc", None),
        ("GBDUW00000", None),
    ],
)
def test_normalise_isrc(raw: str | None, clean: str | None) -> None:
    assert normalise_isrc(raw) == clean
