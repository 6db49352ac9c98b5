"""The corrections as data: pins, drops and adds, as read from a file and taken by the stages."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Pin", "Drop", "Add", "Change", "Corrections"]


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

    def __add__(self, other: Corrections | None) -> Corrections:
        if not other:
            return self
        return Corrections(self.pins + other.pins, self.drops + other.drops, self.adds + other.adds,
                           self.files + tuple(f for f in other.files if f not in self.files))

    def for_article(self, article: str | None) -> Corrections:
        """The entries that apply to ``article`` (a path or file name; None: entries for all articles only)."""
        return Corrections(tuple(p for p in self.pins if _applies(p.articles, article)),
                           tuple(d for d in self.drops if _applies(d.articles, article)),
                           tuple(a for a in self.adds if _applies(a.articles, article)), self.files)

    @classmethod
    def load(cls, path: str | Path) -> Corrections:
        """The corrections of one TOML file (:func:`geo.corrections._read.parse`)."""
        from geo.corrections._read import parse

        return parse(Path(path))
