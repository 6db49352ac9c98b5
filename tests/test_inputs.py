"""geo.inputs.read_article: .txt, .html and stdin; encodings; every bad input is one clear InputError."""

from __future__ import annotations

import io
import sys

import pytest

from geo.errors import GeoError, InputError
from geo.inputs import MAX_INPUT_BYTES, DecodeWarning, read_article

SAMPLE = "Clashes near the Syrian village of Baghuz — “total elimination”, said the SDF in Zürich.\n"


def _write(tmp_path, name, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def _error(source, **kw) -> str:
    with pytest.raises(InputError) as info:
        read_article(source, **kw)
    msg = str(info.value)
    assert isinstance(info.value, GeoError)
    assert msg and "\n" not in msg, f"not one line: {msg!r}"
    return msg


# -- good inputs ----------------------------------------------------------------------------
def test_txt_utf8(tmp_path):
    p = _write(tmp_path, "story.txt", SAMPLE.encode("utf-8"))
    a = read_article(p)
    assert a.text == SAMPLE
    assert (a.source, a.stem, a.title) == (str(p), "story", None)
    assert read_article(str(p)).text == SAMPLE  # a str path works too


def test_line_endings_are_normalised(tmp_path):
    p = _write(tmp_path, "crlf.txt", b"First line in Syria.\r\nSecond in Iraq.\rThird.")
    assert read_article(p).text == "First line in Syria.\nSecond in Iraq.\nThird."


def test_utf8_bom_is_dropped(tmp_path):
    p = _write(tmp_path, "bom.txt", b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"))
    text = read_article(p).text
    assert text == SAMPLE and not text.startswith("\ufeff")


@pytest.mark.parametrize("codec, bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")])
def test_utf16_with_bom(tmp_path, codec, bom):
    p = _write(tmp_path, "u16.txt", bom + SAMPLE.encode(codec))
    assert read_article(p).text == SAMPLE


@pytest.mark.parametrize("codec, bom", [("utf-32-le", b"\xff\xfe\x00\x00"), ("utf-32-be", b"\x00\x00\xfe\xff")])
def test_utf32_with_bom_is_not_taken_for_utf16(tmp_path, codec, bom):
    p = _write(tmp_path, "u32.txt", bom + SAMPLE.encode(codec))
    assert read_article(p).text == SAMPLE


def test_cp1252_fallback(tmp_path):
    text = "Café owners in Zürich said “no” – twice.\n"
    data = text.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert read_article(_write(tmp_path, "legacy.txt", data)).text == text


def test_html_markup_scripts_and_styles_dropped_article_preferred(tmp_path):
    html = """<!doctype html><html><head><title>Fighting in  Baghuz</title>
    <style>p { color: red }</style><script>var x = "<p>Aleppo</p>";</script></head>
    <body><nav><a href="/">Home</a> Moscow edition</nav>
    <div class="ad">Buy tickets to Paris &amp; Rome</div>
    <article><h1>Fighting in Baghuz</h1><p>Forces entered the <b>eastern</b> Syrian village of Baghuz.</p>
    <script>alert("Damascus")</script><p>Residents fled to Iraq &amp; beyond.</p></article>
    <footer>© Lisbon Media</footer></body></html>"""
    a = read_article(_write(tmp_path, "page.html", html.encode("utf-8")))
    assert a.title == "Fighting in Baghuz"
    assert a.stem == "page"
    assert "Forces entered the eastern Syrian village of Baghuz." in a.text
    assert "Residents fled to Iraq & beyond." in a.text
    for dropped in ("<", ">", "Aleppo", "Damascus", "color", "Moscow", "Paris", "Lisbon", "alert"):
        assert dropped not in a.text, dropped
    # block elements become paragraph breaks, not run-on text
    assert "\n" in a.text and "Baghuz.Residents" not in a.text


def test_html_title_is_the_pages_not_an_svg_icons(tmp_path):
    html = ("<html><head><title>Rain in Oslo</title></head><body><svg><title>Search icon</title></svg>"
            "<p>Rain fell in Oslo.</p><title>stray</title></body></html>")
    a = read_article(_write(tmp_path, "svg.html", html.encode()))
    assert (a.title, a.text) == ("Rain in Oslo", "Rain in Oslo\n\nRain fell in Oslo.")  # the headline is kept


def test_html_page_wrapped_in_a_form_keeps_its_article(tmp_path):
    # ASP.NET WebForms pages (and some CMSs) put the whole body in one <form>
    html = ("<html><body><form id='aspnetForm' action='/'><input type=hidden name=__VIEWSTATE value=x>"
            "<article><p>Rain fell in Oslo.</p></article><button>Subscribe</button></form></body></html>")
    assert read_article(_write(tmp_path, "form.html", html.encode())).text == "Rain fell in Oslo."


def test_html_without_article_keeps_the_body_text(tmp_path):
    html = "<html><body><h1>Report</h1><p>Shelling hit Homs.</p><script>x=1</script><p>Then Hama.</p></body></html>"
    a = read_article(_write(tmp_path, "plain.htm", html.encode()))
    assert a.text.split("\n\n") == ["Report", "Shelling hit Homs.", "Then Hama."]


def test_html_detected_by_content_in_a_txt_file(tmp_path):
    a = read_article(_write(tmp_path, "saved.txt", b"<!DOCTYPE html><html><body><p>Hi from Oslo.</p></body></html>"))
    assert a.text == "Hi from Oslo."


def test_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SAMPLE.encode("utf-8")), encoding="utf-8"))
    a = read_article("-")
    assert (a.text, a.source, a.stem) == (SAMPLE, "<stdin>", "article")


def test_stdin_html(monkeypatch):
    data = b"<html><body><article><p>Rain in Oslo.</p></article></body></html>"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert read_article("-").text == "Rain in Oslo."


def test_input_just_under_the_limit_is_read(tmp_path):
    p = _write(tmp_path, "limit.txt", b"a" * 100)
    assert read_article(p, max_bytes=100).text == "a" * 100


# -- bad inputs: one line each ------------------------------------------------------------------
def test_missing_file(tmp_path):
    msg = _error(tmp_path / "nope.txt")
    assert "nope.txt" in msg and "no such file" in msg


def test_directory(tmp_path):
    assert "directory" in _error(tmp_path)


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  "], ids=["empty", "whitespace"])
def test_empty_and_whitespace_only(tmp_path, data):
    assert "empty" in _error(_write(tmp_path, "blank.txt", data))


def test_html_without_text(tmp_path):
    p = _write(tmp_path, "empty.html", b"<html><head><script>var a=1;</script></head><body> </body></html>")
    assert "no text" in _error(p)


def test_binary_with_nul_bytes(tmp_path):
    data = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)) * 4
    assert "binary" in _error(_write(tmp_path, "archive.txt", data))


def test_binary_control_characters_without_nul(tmp_path):
    data = bytes(b % 31 + 1 for b in range(2000))  # control bytes only, no NUL
    assert "binary" in _error(_write(tmp_path, "ctl.txt", data))


def test_undecodable_text(tmp_path):
    data = "Café".encode("latin-1") + b" \x81\x8d\x8f\x90\x9d more"  # not UTF-8, and undefined in cp1252
    msg = _error(_write(tmp_path, "bad.txt", data))
    assert "UTF-8" in msg and "cp1252" in msg


def test_binary_behind_a_utf16_bom(tmp_path):
    data = b"\xff\xfe" + "a\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f\x10\x11".encode("utf-16-le") * 50
    assert "binary" in _error(_write(tmp_path, "bom-binary.txt", data))


def test_bad_utf16(tmp_path):
    assert "UTF-16" in _error(_write(tmp_path, "bad16.txt", b"\xff\xfe\x00\xd8"))  # lone surrogate


def test_over_the_size_limit(tmp_path):
    p = _write(tmp_path, "big.txt", b"a" * 101)
    msg = _error(p, max_bytes=100)
    assert "too large" in msg


def test_over_the_default_size_limit(tmp_path):
    p = _write(tmp_path, "huge.txt", b"Syria. " * (MAX_INPUT_BYTES // 7 + 1))
    assert p.stat().st_size > MAX_INPUT_BYTES
    assert "too large" in _error(p)


def test_empty_and_oversized_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    assert _error("-").startswith("<stdin>")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x" * 101)))
    assert "too large" in _error("-", max_bytes=100)


# -- one decoder: broken UTF-8 stays UTF-8 (never re-decoded as cp1252) -----------------------------------
@pytest.mark.parametrize("bad", [b"\xff", b"\xc3", b"\xe2\x80", b"\xed\xa0\x80"], ids=["ff", "cut-2", "cut-3", "surrogate"])
@pytest.mark.parametrize("where", ["end", "middle"])
def test_utf8_with_one_broken_sequence_stays_utf8(tmp_path, bad, where):
    good = "Floods in Zürich, São Paulo and Kraków.\n".encode("utf-8")
    data = good + bad if where == "end" else good[:10] + bad + good[10:]
    with pytest.warns(DecodeWarning, match=r"invalid UTF-8 byte sequence.*replaced"):
        text = read_article(_write(tmp_path, "broken.txt", data)).text
    for name in ("Zürich", "São Paulo", "Kraków"):
        assert name in text
    assert "Ã" not in text and "\ufffd" in text


def test_broken_utf8_in_a_page_and_on_stdin_is_decoded_the_same(tmp_path, monkeypatch):
    page = "<html><body><p>Floods in Zürich and Kraków.</p></body></html>".encode("utf-8") + b"\xff"
    with pytest.warns(DecodeWarning):
        from_file = read_article(_write(tmp_path, "broken.html", page)).text
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(page)))
    with pytest.warns(DecodeWarning):
        from_stdin = read_article("-").text
    assert from_file == from_stdin and "Zürich" in from_file


def test_cli_reports_the_replaced_bytes_and_maps_the_places(tmp_path, geo_exe, gazetteer):
    import subprocess

    good = "Floods hit the Swiss city of Zürich on Monday, and heavy rain fell in São Paulo, Brazil.\n".encode()
    p = _write(tmp_path, "broken.txt", good + b"\xff")
    proc = subprocess.run([geo_exe, "places", str(p), "-f", "csv"], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert [ln for ln in proc.stderr.splitlines() if ln.startswith("geo: warning:")] == [
        f"geo: warning: {p}: 1 invalid UTF-8 byte sequence replaced by \ufffd (the first at byte {len(good)})"]
    assert "Zürich" in proc.stdout and "São Paulo" in proc.stdout


def test_plain_text_date_line_is_metadata(tmp_path):
    a = read_article(_write(tmp_path, "dated.txt", b"date 2024-02-29 Flooding hit Lima.\n\nMore in Cusco.\n"))
    assert (a.meta.date, a.text) == ("2024-02-29", "Flooding hit Lima.\n\nMore in Cusco.\n")
    b = read_article(_write(tmp_path, "dated2.txt", b"Published 3 March 2024\nFlooding hit Lima.\n"))
    assert (b.meta.date, b.text) == ("2024-03-03", "Flooding hit Lima.\n")
    c = read_article(_write(tmp_path, "dateline.txt", "LIMA, Peru (AP) — Flooding hit Lima.\n".encode()))
    assert c.meta.date is None and c.text.startswith("LIMA, Peru")
