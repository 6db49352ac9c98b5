"""Issue 16's cold paths: the gazetteer build's bulk name normalisation and its progress, the
imports a command needs, the model's unused pipes."""

from __future__ import annotations

import random

import pytest

from geo._text import normalize
from geo.gazetteer._build_names import keep_alternates, normalize_many

#: names with what normalisation has to handle: accents, combining marks, ligatures, dashes,
#: apostrophes, case folding (final sigma, sharp s), spaces at the ends and inside
_NAMES = [
    "Bāghūz", "BAGHUZ", "Ḩalab", "Łódź", "Ærøskøbing", "Straße", "İzmir", "Kraków", "São Tomé",
    "Saint-Étienne", "N’Djamena", "Côte d'Ivoire", "  Ma'arrat   al-Nu`man ", "ΑΘΗΝΑΣ", "Œuvre",
    "U.S.", "Sankt–Peterburg", "Ḥims\u0301", "e\u0301\u0323", "Kyiv (Kiev)", "“Quoted”", "Ho_Chi/Minh",
    "", " ", "\u0301", "Ørsted", "ǅemal", "ﬁnland", "Ｔｏｋｙｏ", "Tōkyō-to",
]


def test_normalize_many_equals_normalize_one_by_one():
    rng = random.Random(16)
    names = [rng.choice(_NAMES) + rng.choice(["", " ", "-", "\u0300"]) + rng.choice(_NAMES) for _ in range(3000)]
    assert len("\0".join(names)) > 1000  # long enough for the one-expression path of the marks
    assert normalize_many(names) == [normalize(n) for n in names]
    assert normalize_many(_NAMES) == [normalize(n) for n in _NAMES]


@pytest.mark.parametrize("names", [[], ["Aleppo"], ["Al\0eppo", "Raqqa"], ["a\0", "\0b", "Baghuz"]])
def test_normalize_many_of_none_one_or_names_holding_a_nul(names):
    assert normalize_many(names) == [normalize(n) for n in names]


def test_keep_alternates_leaves_out_codes_digits_and_other_scripts():
    raws = ["JFK", "LHR", "Halab", "Aleppo²", "Route 66", "Ḩalab", "حلب", "X", "NEW YORK", "Tōkyō", "Ⅻ Town"]
    kept = keep_alternates(raws)
    # "Ⅻ" is a Roman numeral (a letter number), not a digit: folded, it is Latin letters
    assert kept == [None, None, "halab", None, None, "halab", None, None, "new york", "tokyo", "xii town"]


def test_progress_note_is_one_line_when_no_bar_is_drawn(capsys):
    from geo._progress import progress_bar

    bar = progress_bar(None, total=10, desc="building", note="building the gazetteer (once, ~15 s)…")
    bar.update(10)
    bar.close()
    assert capsys.readouterr().err == "building the gazetteer (once, ~15 s)…\n"  # stderr is not a terminal here
    progress_bar(False, total=10, note="never").close()
    assert capsys.readouterr().err == ""


def test_progress_bar_forced_draws_the_bar_and_no_note(capsys):
    from geo._progress import progress_bar

    bar = progress_bar(True, total=4, desc="building", note="the note", leave=True)
    bar.update(4)
    bar.close()
    err = capsys.readouterr().err
    assert "the note" not in err and "building" in err and "4/4" in err


# --------------------------------------------------------------------------- long texts in pieces

_PARAGRAPHS = [
    "Floods along the Brahmaputra forced 40,000 people from their homes in Assam on Tuesday, officials in "
    "Guwahati said, as rain moved east towards Dibrugarh.",
    "In Peru, a landslide blocked the highway between Cusco and Puno; truckers from Arequipa waited overnight.",
    "Kenya's health ministry reported new cholera cases in Mombasa and Kisumu. Nairobi sent two field teams.",
    "The mayor of Ghent met colleagues from Antwerp and Liège to plan the cycling route to Brussels.",
    "Bushfires near Dubbo in New South Wales closed schools; smoke reached Sydney by the evening.",
    "Quebec's premier visited Trois-Rivières after the ice storm, then flew on to Montreal.",
]


def _article(repeat: int) -> str:
    return "\n\n".join(p for _ in range(repeat) for p in _PARAGRAPHS)


def test_piece_spans_cover_the_text_and_cut_at_paragraphs():
    from geo._pieces import piece_spans

    text = _article(4)
    spans = piece_spans(text, 500)
    assert len(spans) > 1
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))          # contiguous, nothing lost
    assert all(0 < e - s <= 500 for s, e in spans)
    assert all(text[e - 2:e] == "\n\n" for _s, e in spans[:-1])        # each cut after a paragraph break
    assert piece_spans(text, len(text)) == [(0, len(text))]


def test_piece_spans_without_paragraphs_cut_at_sentences_then_spaces_then_anywhere():
    from geo._pieces import piece_spans

    sentences = " ".join(["The river rose at Passau."] * 40)
    assert all(sentences[e - 2:e] == ". " for _s, e in piece_spans(sentences, 200)[:-1])
    words = " ".join(["Passau"] * 100)
    assert all(words[e - 1] == " " for _s, e in piece_spans(words, 100)[:-1])
    blob = "x" * 1000
    assert piece_spans(blob, 300) == [(0, 300), (300, 600), (600, 900), (900, 1000)]


def _places_key(places):
    return [(p.name, p.candidate.geonameid if p.candidate else None, [(m.start, m.end, m.text, m.sentence_start)
             for m in p.mentions]) for p in places]


def test_a_text_under_the_piece_size_gives_the_same_places_whatever_the_size(geoparser, monkeypatch):
    import geo._pieces

    text = _article(1)
    whole = geoparser.places(text)
    assert len(whole) >= 10
    monkeypatch.setattr(geo._pieces, "PIECE_CHARS", len(text))  # still one piece
    assert _places_key(geoparser.places(text)) == _places_key(whole)
    assert _places_key(next(geoparser.pipe([text]))) == _places_key(whole)


def test_a_long_text_in_pieces_has_offsets_into_the_whole_text(geoparser, monkeypatch):
    import geo._pieces

    text = _article(3)
    monkeypatch.setattr(geo._pieces, "PIECE_CHARS", 600)
    assert len(geo._pieces.piece_spans(text)) >= 3
    places = geoparser.places(text)
    mentions = [m for p in places for m in p.mentions]
    for m in mentions:
        assert text[m.start:m.end] == m.text
        assert text[m.sentence_start:].lstrip().startswith(m.sentence)
    # every paragraph is repeated three times: each of its names is found in every copy
    firsts = {m.text for m in mentions if m.start < len(_article(1))}
    for name in ("Guwahati", "Cusco", "Mombasa", "Antwerp", "Dubbo", "Montreal"):
        assert name in firsts
        assert sum(m.text == name for m in mentions) == 3, name
    assert [_places_key(x) for x in geoparser.pipe([text, _article(1)])] == \
        [_places_key(places), _places_key(geoparser.places(_article(1)))]
    assert [m.start for m in geoparser.mentions(text)] == sorted(m.start for m in mentions if m.source != "user")


# --------------------------------------------------------------------------- what a command imports

def test_place_records_are_the_frames_records(geoparser):
    from geo.frame import place_records, to_frame, to_json_records

    text = _article(1) + "\n\nResidents of Xqzvillebrook and Lake Wobegon were not affected."
    places = geoparser.places(text)
    assert any(p.candidate is None for p in places) and any(p.candidate is not None for p in places)
    assert place_records(places) == to_json_records(to_frame(places))
    assert place_records([]) == []


# shapely is left out: a river named in the article is placed at its point nearest the other places
_IMPORTS = """
import sys
from geo.cli import main
code = main(sys.argv[1:])
heavy = sorted(m for m in sys.modules if m in ("pandas", "geopandas", "folium", "pyproj", "matplotlib"))
print("HEAVY", " ".join(heavy))
sys.exit(code)
"""


def _heavy_imports(tmp_path, *args: str, fork: str = "0") -> list[str]:
    """The heavy modules the command imports in this process (``GEO_FORK`` as given: by default the
    renderer is not forked, so the command's own imports are all here)."""
    import os
    import subprocess
    import sys

    article = tmp_path / "article.txt"
    article.write_text(_article(1), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", _IMPORTS, *[a.replace("ARTICLE", str(article)) for a in args]],
                          capture_output=True, text=True, timeout=600, env={**os.environ, "GEO_FORK": fork})
    assert proc.returncode == 0, proc.stderr
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("HEAVY"))
    return line.split()[1:]


def test_places_as_csv_imports_neither_pandas_geopandas_nor_folium(tmp_path, gazetteer):
    assert _heavy_imports(tmp_path, "places", "ARTICLE", "-f", "csv", "-q", "-o", str(tmp_path / "out.csv")) == []
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").startswith("name,kind,")


def test_places_as_geoparquet_still_writes_the_frame(tmp_path, gazetteer):
    import geopandas as gpd

    heavy = _heavy_imports(tmp_path, "places", "ARTICLE", "-q", "-o", str(tmp_path / "out.parquet"))
    assert "geopandas" in heavy and "folium" not in heavy
    assert len(gpd.read_parquet(tmp_path / "out.parquet")) >= 10


def test_geo_map_imports_no_geopandas_nor_pyproj(tmp_path, gazetteer):
    # folium imports pandas itself; GeoPandas, pyproj and Matplotlib are not needed to draw the map
    assert _heavy_imports(tmp_path, "map", "ARTICLE", "-q", "-o", str(tmp_path / "map.html")) == ["folium", "pandas"]
    assert (tmp_path / "map.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    # with the renderer forked, folium (and pandas with it) is imported in the child only
    assert _heavy_imports(tmp_path, "map", "ARTICLE", "-q", "-o", str(tmp_path / "forked.html"), fork="1") == []
    assert (tmp_path / "forked.html").read_bytes() == (tmp_path / "map.html").read_bytes()


def test_the_map_of_the_places_is_the_map_of_their_frame(geoparser, gazetteer):
    from geo.frame import to_frame
    from geo.render import render_map

    text = _article(1) + "\n\nResidents of Xqzvillebrook and Lake Wobegon were not affected."
    places = geoparser.places(text)
    kinds = {p.candidate.kind for p in places if p.candidate is not None}
    assert {"country", "city"} <= kinds and any(p.candidate is None for p in places)
    about = {"date": "2026-11-30", "site": "Example News"}
    options = dict(title="Floods and fires", outlines=gazetteer.outlines(), article=text, basemap_outlines=True,
                   divisions=gazetteer.division_names(), corrections_name="story.geo.toml",
                   countries={cc: c.name for cc, c in gazetteer.countries().items()})
    frame = to_frame(places)
    frame.attrs["article"] = about
    from_frame = render_map(frame, **options)
    assert render_map(places, about=about, **options) == from_frame
    assert render_map(tuple(places), about=about, **options) == from_frame
    assert render_map([], title="Nothing") == render_map(to_frame([]), title="Nothing")
    with pytest.raises(TypeError, match="GeoDataFrame or a list of geo.types.Place"):
        render_map([{"name": "Aleppo"}], title="t")


_MODULES_AFTER = """
import json, sys
{code}
print("MODULES", json.dumps(sorted(sys.modules)))
"""


def _modules_after(code: str) -> set[str]:
    import json
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", _MODULES_AFTER.format(code=code)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("MODULES "))
    return set(json.loads(line[len("MODULES "):]))


#: what the parser used to import only for the constants of its help texts
_NOT_FOR_THE_PARSER = ("geo.geocoders.online", "geopy", "http.client", "geo.image", "geo.gazetteer._import",
                       "geo.gazetteer._download", "geo.gazetteer", "geo.exports", "geo.batch", "geo.render")


def test_the_parser_imports_no_module_only_for_a_constant():
    mods = _modules_after("import geo.cli\ngeo.cli.build_parser().parse_args(['map', 'story.txt'])")
    assert {"geo.cli._map", "geo.cli._gazetteer", "geo._image_options", "geo.geocoders._services"} <= mods
    assert not mods & set(_NOT_FOR_THE_PARSER), sorted(mods & set(_NOT_FOR_THE_PARSER))


def test_places_as_csv_imports_no_renderer_exporter_of_frames_or_geocoder_client(tmp_path, gazetteer):
    article = tmp_path / "story.txt"
    article.write_text(_article(1), encoding="utf-8")
    out = tmp_path / "out.csv"
    mods = _modules_after(f"from geo.cli import main\nassert main(['places', {str(article)!r}, '-f', 'csv', '-q', "
                          f"'-o', {str(out)!r}]) == 0")
    assert "spacy" in mods and "geo.frame" in mods
    # (shapely may come: the article's river is placed at its point nearest the other places)
    unneeded = {"geo.render", "geo.image", "geo.batch", "geo.geocoders.online", "geo.gazetteer._import", "pyproj"}
    assert not mods & unneeded, sorted(mods & unneeded)
    assert out.read_text(encoding="utf-8").startswith("name,kind,")


def test_the_paused_collector_freezes_what_was_made_and_restores_its_state():
    import subprocess
    import sys

    code = """
import gc
from geo.cli._common import collector_paused
assert gc.isenabled() and gc.get_freeze_count() == 0
with collector_paused():
    assert not gc.isenabled()
    kept = [[i] for i in range(1000)]
assert gc.isenabled() and gc.get_freeze_count() >= 1000
gc.disable()
with collector_paused():
    pass
assert not gc.isenabled(), "a collector the caller had turned off stays off"
try:
    with collector_paused():
        raise KeyError("x")
except KeyError:
    assert not gc.isenabled()
print("ok")
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


# --------------------------------------------------------------------------- geo map's forked renderer

_PREFORK = r"""
import os, signal, sys, time
from geo.cli._prefork import Prefork, forking
from geo.errors import GeoError, UsageError

def warm():
    import json  # what the renderer's child imports, in small

def double(x, *, plus=0):
    return [2 * x + plus, os.getpid()]

def fails():
    raise UsageError("no such tile source 'Nowhere.Tiles'")

def dies():
    os.kill(os.getpid(), signal.SIGKILL)

def unpicklable():
    return lambda: None

class OddError(Exception):
    def __init__(self, a, b):
        super().__init__(f"odd {a} and {b}")

def odd():
    raise OddError(1, 2)

def zombies():
    import subprocess
    out = subprocess.run(["ps", "-o", "stat=", "--ppid", str(os.getpid())], capture_output=True, text=True).stdout
    return [s for s in out.split() if s.startswith("Z")]

with Prefork(warm) as child:
    value, pid = child.call(double, 20, plus=2)
    assert value == 42 and pid == child.pid != os.getpid()
with Prefork(warm) as child:
    try:
        child.call(fails)
    except UsageError as exc:
        assert str(exc) == "no such tile source 'Nowhere.Tiles'" and exc.exit_code == 2
    else:
        raise AssertionError("the child's error is raised here")
with Prefork(warm) as child:
    try:
        child.call(dies)
    except GeoError as exc:
        assert str(exc) == f"the map renderer (process {child.pid}) stopped: killed by signal 9", str(exc)
    else:
        raise AssertionError("no error")
with Prefork(warm) as child:
    try:
        child.call(unpicklable)
    except GeoError as exc:
        assert str(exc).startswith("the map renderer's answer cannot be sent back"), str(exc)
    else:
        raise AssertionError("no error")
with Prefork(warm) as child:
    try:
        child.call(odd)
    except GeoError as exc:  # an exception that does not unpickle comes back as its message
        assert str(exc) == "odd 1 and 2", str(exc)
    else:
        raise AssertionError("no error")
child = Prefork(warm)
child.close()  # never called (this process failed first): the child is stopped and reaped
assert zombies() == []
os.environ["GEO_FORK"] = "0"
assert not forking()
os.environ["GEO_FORK"] = "1"
assert forking()
import threading
t = threading.Thread(target=time.sleep, args=(0.5,)); t.start()
assert not forking(), "never fork with a thread running"
t.join()
print("ok")
"""


def test_the_forked_renderer_answers_raises_and_dies_as_an_error_here():
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", _PREFORK], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


def test_geo_map_forked_or_not_writes_the_same_map(tmp_path, gazetteer, geo_exe):
    import os
    import subprocess

    article = tmp_path / "story.txt"
    article.write_text(_article(1), encoding="utf-8")
    maps = {}
    for fork in ("1", "0"):
        out = maps[fork] = tmp_path / f"map-{fork}.html"
        r = subprocess.run([geo_exe, "map", str(article), "-o", str(out)], capture_output=True, text=True,
                           env={**os.environ, "GEO_FORK": fork}, timeout=600)
        assert r.returncode == 0, r.stderr
        assert r.stderr.startswith(f"wrote {out} (") and r.stderr.count("\n") == 1, r.stderr
    assert maps["1"].read_bytes() == maps["0"].read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map-0.html", "map-1.html", "story.txt"]


# --------------------------------------------------------------------------- simplified outlines kept between runs

_MAP_MODULES = """
import sys
from geo.cli import main
code = main(sys.argv[1:])
print("SHAPELY", "shapely" in sys.modules)
sys.exit(code)
"""


def _map_run(env: dict, article, out) -> bool:
    """Run ``geo map`` in one process (not forked); whether it imported shapely."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", _MAP_MODULES, "map", str(article), "-q", "-o", str(out)],
                          capture_output=True, text=True, env={**env, "GEO_FORK": "0"}, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return "SHAPELY True" in proc.stdout


def test_simplified_outlines_are_kept_between_runs_and_never_change_the_map(tmp_path, gazetteer):
    from _servers import isolated_env

    env = isolated_env(tmp_path, gazetteer.path)
    article = tmp_path / "story.txt"  # countries (outlined), towns; no river, lake or sea (those need shapely)
    article.write_text("Kenya's health ministry reported new cholera cases in Mombasa and Kisumu. Nairobi sent "
                       "two field teams, and Uganda closed the border crossing at Busia.", encoding="utf-8")
    cache = tmp_path / "cache"
    assert _map_run(env, article, tmp_path / "first.html") is True  # simplified here, then remembered
    (store,) = cache.glob("simplified-outlines-*.json")
    assert _map_run(env, article, tmp_path / "second.html") is False, "the second map simplifies nothing"
    first = (tmp_path / "first.html").read_bytes()
    assert (tmp_path / "second.html").read_bytes() == first
    assert "Kenya" in first.decode("utf-8")

    store.write_text("{not json", encoding="utf-8")  # a damaged file is recomputed, and written again
    assert _map_run(env, article, tmp_path / "third.html") is True
    assert (tmp_path / "third.html").read_bytes() == first
    assert store.read_text(encoding="utf-8").startswith("{\"")

    store.unlink()
    store.mkdir()  # a file that can be neither read nor written (tests may run as root: no chmod): only slower
    assert _map_run(env, article, tmp_path / "fourth.html") is True
    assert store.is_dir() and not [p for p in cache.iterdir() if p.name.startswith(".")], "no temporary file left"
    assert (tmp_path / "fourth.html").read_bytes() == first
