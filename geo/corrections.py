"""Corrections that stick: pin a name, drop a false positive, add a missed place.

A corrections file is TOML. It applies to one article when it sits beside it as a sidecar
(``article.geo.toml`` or ``article.txt.geo.toml``, found automatically), or to every article
when given with ``--corrections FILE`` (or ``GEO_CORRECTIONS``); an entry of such a file may name
the articles it is for with ``article = "glob"`` (or a list of globs, matched against the file
name and the path)::

    [[pin]]                     # this name means this place
    name = "Baghuz"
    aliases = ["Baghouz"]       # other spellings the article uses (optional)
    geonameid = 170063          # a GeoNames id (gazetteer or imported dumps), or
                                # ref = "admin1:US.OH" (a first-level division by its codes) ...
    lat = 34.462                # ... and/or coordinates
    lon = 40.941
    kind = "village"            # optional, as are country (ISO code or name) and label (the map's name)

    [[drop]]                    # not a place in this article
    name = "Jordan"             # a name as the article writes it, or the place's name on the map
    # geonameid = 248816        # or the place's GeoNames id

    [[add]]                     # a place the article names but geo missed: every occurrence
    name = "Hol camp"           # becomes a mention (whole words, any case)
    lat = 36.383                # optional: coordinates or geonameid pin it; otherwise it is
    lon = 40.998                # resolved like any other name

:func:`finish` runs them for :class:`~geo.pipeline.Geoparser` and reports each change as a
:class:`Change`. A malformed file raises :class:`~geo.errors.InputError` naming the file and line.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from geo._text import normalize
from geo.errors import InputError
from geo.types import Candidate, Mention, Place

__all__ = ["Pin", "Drop", "Add", "Change", "Corrections", "load_corrections", "sidecars", "finish"]

_COMMON = {"name", "article", "note", "reason", "comment"}
_ALLOWED = {
    "pin": _COMMON | {"aliases", "geonameid", "ref", "lat", "lon", "kind", "country", "label"},
    "drop": _COMMON | {"geonameid"},
    "add": _COMMON | {"aliases", "geonameid", "ref", "lat", "lon", "kind", "country", "label"},
}
#: spaCy labels of names that are not places: a user's place inside one of these is not spotted
_NOT_PLACES = {"PERSON", "ORG", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW", "LANGUAGE"}


def _key(name: str) -> str:
    norm = normalize(name)
    return norm[4:] if norm.startswith("the ") else norm


@dataclass(frozen=True)
class Pin:
    name: str
    where: str
    aliases: tuple[str, ...] = ()
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    kind: str | None = None
    kind_label: str | None = None
    country: str | None = None
    label: str | None = None
    articles: tuple[str, ...] = ()
    ref: tuple[str, str] | None = None  # a first-level division: (country code, admin1 code)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name,) + self.aliases


@dataclass(frozen=True)
class Drop:
    where: str
    name: str | None = None
    geonameid: int | None = None
    articles: tuple[str, ...] = ()

    @property
    def what(self) -> str:
        return repr(self.name) if self.name else f"GeoNames {self.geonameid}"


@dataclass(frozen=True)
class Add:
    name: str
    where: str
    aliases: tuple[str, ...] = ()
    pin: Pin | None = None
    articles: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name,) + self.aliases


@dataclass(frozen=True)
class Change:
    """One thing a correction did (or could not do: ``warning`` is then True)."""

    where: str
    action: str  # pinned | dropped | added | unused | not-applied
    name: str
    detail: str = ""
    warning: bool = False

    def __str__(self) -> str:
        return f"{self.where}: {self.detail}"


def _applies(articles: tuple[str, ...], article: str | None) -> bool:
    if not articles:
        return True
    if not article:
        return False
    base = Path(article).name
    return any(fnmatch.fnmatchcase(base, g) or fnmatch.fnmatchcase(article, g) for g in articles)


@dataclass(frozen=True)
class Corrections:
    pins: tuple[Pin, ...] = ()
    drops: tuple[Drop, ...] = ()
    adds: tuple[Add, ...] = ()
    files: tuple[str, ...] = field(default=())

    def __bool__(self) -> bool:
        return bool(self.pins or self.drops or self.adds)

    def __add__(self, other: "Corrections | None") -> "Corrections":
        if not other:
            return self
        return Corrections(self.pins + other.pins, self.drops + other.drops, self.adds + other.adds,
                           self.files + tuple(f for f in other.files if f not in self.files))

    def for_article(self, article: str | None) -> "Corrections":
        """The entries that apply to ``article`` (a path or file name; None: entries for all articles only)."""
        return Corrections(tuple(p for p in self.pins if _applies(p.articles, article)),
                           tuple(d for d in self.drops if _applies(d.articles, article)),
                           tuple(a for a in self.adds if _applies(a.articles, article)), self.files)

    @classmethod
    def load(cls, path: str | Path) -> "Corrections":
        return _parse(Path(path))


# -- reading --------------------------------------------------------------------------------------
class _Lines:
    """Line numbers of the ``[[pin]]``-style entries and of their keys, for error messages."""

    def __init__(self, text: str):
        self.lines = text.splitlines()
        self.headers: dict[str, list[int]] = {}
        self.all_headers: list[int] = []
        for i, line in enumerate(self.lines, 1):
            m = re.match(r"\s*\[\[\s*([A-Za-z_-]+)\s*\]\]", line) or re.match(r"\s*\[\s*([A-Za-z_.-]+)\s*\]", line)
            if m:
                self.headers.setdefault(m.group(1), []).append(i)
                self.all_headers.append(i)

    def entry(self, table: str, index: int) -> int:
        hs = self.headers.get(table, [])
        if index < len(hs):
            return hs[index]
        return self.key(table, 1, None) or 1

    def key(self, key: str, start: int, table_index: tuple[str, int] | None) -> int | None:
        end = len(self.lines)
        if table_index is not None:
            later = [h for h in self.all_headers if h > start]
            end = later[0] - 1 if later else end
        for i in range(start, end + 1):
            if re.match(rf"\s*{re.escape(key)}\s*=", self.lines[i - 1]):
                return i
        return None


def _parse(path: Path) -> Corrections:
    try:
        import tomllib
    except ImportError:  # Python 3.10: the same parser, from PyPI
        import tomli as tomllib  # type: ignore[no-redef]

    from geo.userplaces import _read_text

    text = _read_text(path, "corrections file")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column \d+\)", msg)
        line = m.group(1) if m else (re.search(r"line (\d+)", msg) or [None, "1"])[1]
        msg = re.sub(r"\s*\(at (?:line \d+, column \d+|end of document)\)", "", msg)
        raise InputError(f"{path}:{line}: not valid TOML ({msg})") from None
    lines = _Lines(text)
    pins, drops, adds = [], [], []
    for table, entries in doc.items():
        if table not in _ALLOWED:
            ln = lines.key(table, 1, None) or (lines.headers.get(table) or [1])[0]
            raise InputError(f"{path}:{ln}: unknown section {table!r} (expected [[pin]], [[drop]] or [[add]])")
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            ln = (lines.headers.get(table) or [lines.key(table, 1, None) or 1])[0]
            raise InputError(f"{path}:{ln}: write each {table} as a [[{table}]] table")
        for i, e in enumerate(entries):
            start = lines.entry(table, i)

            def where(key: str | None = None, _start=start, _table=table, _i=i) -> str:
                ln = lines.key(key, _start, (_table, _i)) if key else None
                return f"{path}:{ln or _start}"

            unknown = sorted(set(e) - _ALLOWED[table])
            if unknown:
                raise InputError(f"{where(unknown[0])}: unknown key {unknown[0]!r} in [[{table}]] "
                                 f"(allowed: {', '.join(sorted(_ALLOWED[table] - {'note', 'reason', 'comment'}))})")
            articles = _strings(e.get("article"), "article", where("article"))
            if table == "drop":
                name = _opt_str(e.get("name"), "name", where("name"))
                gid = _gid(e.get("geonameid"), where("geonameid"))
                if not name and gid is None:
                    raise InputError(f"{where()}: a drop needs a name or a geonameid")
                drops.append(Drop(where=where(), name=name, geonameid=gid, articles=articles))
                continue
            name = _opt_str(e.get("name"), "name", where("name"))
            if not name:
                raise InputError(f"{where()}: [[{table}]] needs a name")
            pin = _pin(e, name, where, articles, required=table == "pin", table=table)
            if table == "pin":
                pins.append(pin)
            else:
                adds.append(Add(name=name, where=where(), aliases=_strings(e.get("aliases"), "aliases", where("aliases")),
                                pin=pin, articles=articles))
    return Corrections(tuple(pins), tuple(drops), tuple(adds), (str(path),))


def _opt_str(v: Any, key: str, where: str) -> str | None:
    if v is None:
        return None
    if not isinstance(v, str):
        raise InputError(f"{where}: {key} must be text")
    return " ".join(v.split()) or None


def _strings(v: Any, key: str, where: str) -> tuple[str, ...]:
    if v is None:
        return ()
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
        raise InputError(f"{where}: {key} must be text or a list of text")
    return tuple(" ".join(x.split()) for x in v)


def _gid(v: Any, where: str) -> int | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
        if isinstance(v, str) and v.strip().isdigit():
            return int(v)
        raise InputError(f"{where}: geonameid must be a positive whole number")
    return v


def _coord(v: Any, key: str, where: str, low: float, high: float) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise InputError(f"{where}: {key} must be a number (degrees), not {v!r}")
    if not low <= v <= high:
        raise InputError(f"{where}: {key} {v} is out of range ({low:g} to {high:g})")
    return float(v)


def _pin(e: dict, name: str, where, articles, *, required: bool, table: str) -> Pin | None:
    from geo.userplaces import place_kind

    gid = _gid(e.get("geonameid"), where("geonameid"))
    ref = _ref(e.get("ref"), where("ref"))
    has_lat, has_lon = "lat" in e, "lon" in e
    if has_lat != has_lon:
        raise InputError(f"{where('lat' if has_lat else 'lon')}: give both lat and lon")
    lat = _coord(e["lat"], "lat", where("lat"), -90, 90) if has_lat else None
    lon = _coord(e["lon"], "lon", where("lon"), -180, 180) if has_lon else None
    if gid is None and lat is None and ref is None:
        if required:
            raise InputError(f"{where()}: a pin needs lat and lon, or a geonameid, or a ref (a division)")
        for k in ("kind", "country", "label"):
            if k in e:
                raise InputError(f"{where(k)}: {k} needs lat and lon, or a geonameid, to pin the place")
        return None
    kind_raw = _opt_str(e.get("kind"), "kind", where("kind"))
    kind = place_kind(kind_raw, where("kind")) if kind_raw else None
    country = _opt_str(e.get("country"), "country", where("country"))
    if country and len(country) == 2:
        country = country.upper()
    return Pin(name=name, where=where(), aliases=_strings(e.get("aliases"), "aliases", where("aliases")), geonameid=gid,
               lat=lat, lon=lon, kind=kind, kind_label=kind_raw.lower() if kind_raw and kind_raw.lower() != kind else None,
               country=country, label=_opt_str(e.get("label"), "label", where("label")), articles=articles, ref=ref)


def _ref(v: Any, where: str) -> tuple[str, str] | None:
    """``ref = "admin1:US.OH"``: a first-level division by its country and GeoNames admin1 code."""
    if v is None:
        return None
    m = re.fullmatch(r"admin1:([A-Za-z]{2})\.([A-Za-z0-9]{1,20})", v.strip()) if isinstance(v, str) else None
    if m is None:
        raise InputError(f'{where}: ref must look like "admin1:US.OH" (a division: country and admin1 code)')
    return m.group(1).upper(), m.group(2)


def load_corrections(sources) -> Corrections:
    """Corrections from a path, a list of paths, a :class:`Corrections` or None (no corrections)."""
    if sources is None:
        return Corrections()
    if isinstance(sources, Corrections):
        return sources
    if isinstance(sources, (str, Path)):
        sources = [sources]
    out = Corrections()
    for s in sources:
        out = out + _parse(Path(s))
    return out


def sidecars(article: str | Path) -> list[Path]:
    """The sidecar corrections files of an article file: ``a.geo.toml`` and ``a.txt.geo.toml``."""
    p = Path(article)
    found = []
    for cand in (p.with_name(p.stem + ".geo.toml"), p.with_name(p.name + ".geo.toml")):
        if cand.is_file() and cand not in found and cand != p:
            found.append(cand)
    return found


# -- applying -------------------------------------------------------------------------------------
def _sentences(doc) -> list[tuple[int, int]]:
    try:
        sents = [(s.start_char, s.end_char) for s in doc.sents]
    except ValueError:
        sents = []
    return sents or [(0, len(doc.text))]


def _mention(text: str, s: int, e: int, sents, source: str) -> Mention:
    ss, se = next(((a, b) for a, b in sents if a <= s < b), (0, len(text)))
    return Mention(start=s, end=e, text=text[s:e], sentence=text[ss:se].strip(), sentence_start=ss,
                   kind="literal", source=source)


def _merge(mentions: list[Mention], spans: Iterable[tuple[int, int]], text: str, sents, source: str,
           *, replace_any: bool) -> tuple[list[Mention], int]:
    """Add a mention per span; a span replaces mentions it covers (any overlapping one when ``replace_any``)."""
    added = 0
    for s, e in spans:
        overlapping = [m for m in mentions if m.start < e and s < m.end]
        if overlapping and not replace_any:
            if not all(s <= m.start and m.end <= e and m.end - m.start < e - s for m in overlapping):
                continue
        if any(m.start == s and m.end == e and m.source == source for m in overlapping):
            continue
        mentions = [m for m in mentions if m not in overlapping]
        mentions.append(_mention(text, s, e, sents, source))
        added += 1
    mentions.sort(key=lambda m: m.start)
    return mentions, added


def _spot_user_places(user_places, doc, mentions, sents):
    text = doc.text
    blocked = [(ent.start_char, ent.end_char, ent.label_) for ent in getattr(doc, "ents", ()) if ent.label_ in _NOT_PLACES]
    spans = []
    for s, e, _name in user_places.spot(text):
        # A listed name inside a longer name of a person or organisation ("Michael Jordan", "the
        # Camp Sahel Relief Committee") is not the place; one that is exactly an organisation's
        # name, or that holds a shorter entity ("Sahel camp" where spaCy saw a person "Sahel"), is.
        if any(bs < e and s < be and not (s <= bs and be <= e and ((bs, be) != (s, e) or label != "PERSON"))
               for bs, be, label in blocked):
            continue
        spans.append((s, e))
    return _merge(mentions, spans, text, sents, "user", replace_any=False)[0]


def _find(text: str, names: Sequence[str]) -> list[tuple[int, int]]:
    names = sorted({n for n in names if n.strip()}, key=len, reverse=True)
    if not names:
        return []
    pat = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names) + r")(?!\w)", re.I)
    return [m.span() for m in pat.finditer(text)]


def _pin_candidate(pin: Pin, gazetteer, locate) -> tuple[Candidate | None, str]:
    base = gazetteer.by_geonameid(pin.geonameid) if pin.geonameid is not None else None
    if pin.ref is not None and base is None:
        base = gazetteer.division(*pin.ref)
        if base is None and pin.lat is None:
            return None, f"no first-level division admin1:{'.'.join(pin.ref)} in the gazetteer; give lat and lon"
    if pin.geonameid is not None and base is None and pin.lat is None:
        return None, (f"GeoNames id {pin.geonameid} is neither in the gazetteer nor in its imports; import the "
                      "country's dump (geo gazetteer download CC) or give lat and lon")
    country = pin.country
    if country and len(country) != 2:
        from geo.userplaces import country_code

        try:
            country = country_code(country, pin.where, gazetteer)
        except InputError as exc:
            return None, str(exc).split(": ", 1)[-1]
    raw = {"pid": None, "correction": pin.where, **({"kind": pin.kind_label} if pin.kind_label else {})}
    if pin.lat is None:
        # the gazetteer's entry, marked as chosen by a correction (its confidence is then 1)
        return dataclasses.replace(base, name=pin.label or base.name, kind=pin.kind or base.kind,
                                   country_code=country or base.country_code,
                                   raw={**(base.raw or {}), "correction": pin.where,
                                        **({"label": pin.label} if pin.label else {})}), ""
    lat, lon = pin.lat, pin.lon
    return Candidate(geonameid=pin.geonameid, name=pin.label or (base.name if base else pin.name),
                     kind=pin.kind or (base.kind if base else "place"), lat=lat, lon=lon,
                     country_code=country or (base.country_code if base else None) or locate(lat, lon),
                     admin1_code=base.admin1_code if base else None, population=base.population if base else 0,
                     source="correction", raw=raw), ""


def _describe(c: Candidate) -> str:
    gid = f"GeoNames {c.geonameid} " if c.geonameid is not None else ""
    return f"{gid}{c.name} ({c.lat:.4f}, {c.lon:.4f})"


def finish(geoparser, doc, corrections: Corrections | None = None, changes: list | None = None) -> list[Place]:
    """Mentions of ``doc`` -> places, with the user's places and the corrections applied.

    Each change is appended to ``changes`` (when given) as a :class:`Change`.
    """
    from geo.resolve import Resolver
    from geo.userplaces import CountryLocator

    text = doc.text
    mentions = list(geoparser.recognizer.mentions_of_doc(doc))
    user_places = getattr(geoparser, "user_places", None)
    sents = None
    if user_places:
        sents = _sentences(doc)
        mentions = _spot_user_places(user_places, doc, mentions, sents)
    c = (getattr(geoparser, "corrections", None) or Corrections()) + corrections
    if not c:
        return geoparser.resolver.resolve(mentions, text)
    sents = sents or _sentences(doc)
    log: list[Change] = []
    gz = geoparser.gazetteer
    locate = CountryLocator(gz)

    # 1. drops by the name the article writes
    dropped_mentions: dict[Drop, int] = {}
    for d in c.drops:
        if d.name:
            k = _key(d.name)
            keep = [m for m in mentions if _key(m.text) != k and _key(m.query) != k]
            dropped_mentions[d] = len(mentions) - len(keep)
            mentions = keep
    # 2. adds: every occurrence of the name becomes a mention
    added: dict[Add, int] = {}
    for a in c.adds:
        mentions, n = _merge(mentions, _find(text, a.names), text, sents, "correction", replace_any=True)
        added[a] = n
        if a.pin is None:
            log.append(Change(a.where, "added" if n else "unused", a.name,
                              f"added {a.name!r} ({n} mention{'s' * (n != 1)})" if n
                              else f"{a.name!r} does not occur in the article", warning=not n))
    # 3. pins: the pinned names answer with their entry only
    pins: dict[str, Candidate] = {}
    pinned: list[tuple[Pin, Candidate, bool]] = []
    for p in list(c.pins) + [a.pin for a in c.adds if a.pin is not None]:
        cand, problem = _pin_candidate(p, gz, locate)
        if cand is None:
            log.append(Change(p.where, "not-applied", p.name, f"pin of {p.name!r} not applied: {problem}", warning=True))
            continue
        for n in p.names:
            pins[n] = cand
        pinned.append((p, cand, any(a.pin is p for a in c.adds)))
    resolver = geoparser.resolver
    if pins:
        resolver = Resolver(gz.extended(pins=pins), fallbacks=resolver.fallbacks, weights=resolver.w)
    places = resolver.resolve(mentions, text)
    # 4. drops by the place's name or GeoNames id, as the map shows it
    for d in c.drops:
        keep = []
        gone = 0
        for pl in places:
            hit = (d.geonameid is not None and pl.candidate is not None and pl.candidate.geonameid == d.geonameid) or \
                  (d.name is not None and _key(pl.name) == _key(d.name))
            if hit:
                gone += len(pl.mentions)
            else:
                keep.append(pl)
        places = keep
        n = dropped_mentions.get(d, 0) + gone
        log.append(Change(d.where, "dropped" if n else "unused", d.name or str(d.geonameid),
                          f"dropped {d.what} ({n} mention{'s' * (n != 1)})" if n
                          else f"drop of {d.what}: no such place or name in the article", warning=not n))
    # 5. report the pins
    for p, cand, from_add in pinned:
        n = sum(len(pl.mentions) for pl in places if pl.candidate is not None and pl.candidate.key == cand.key
                and any(_key(m.query) in {_key(x) for x in p.names} or _key(m.text) in {_key(x) for x in p.names}
                        for m in pl.mentions))
        verb = "added" if from_add else "pinned"
        log.append(Change(p.where, verb if n else "unused", p.name,
                          f"{verb} {p.name!r} at {_describe(cand)} ({n} mention{'s' * (n != 1)})" if n
                          else f"{p.name!r} does not occur in the article{'' if from_add else ' as a place'}",
                          warning=not n))
    log.sort(key=lambda ch: (ch.where.rsplit(":", 1)[0], int(ch.where.rsplit(":", 1)[1])
                             if ch.where.rsplit(":", 1)[-1].isdigit() else 0))
    if changes is not None:
        changes.extend(log)
    return places
