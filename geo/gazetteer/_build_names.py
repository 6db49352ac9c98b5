"""Names of the gazetteer build: normalised in bulk (a million alternate names in a few calls) and
written as one table clustered on the look-up key (:data:`NAMES_TABLE`)."""

from __future__ import annotations

import functools
import re
import sys

from geo._text import is_latin, normalize

__all__ = ["NAMES_TABLE", "keep_alternates", "normalize_many"]

# The names, gathered in the temporary table names_build, are written in the order of the look-up
# key into a table clustered on it: the entries of a name lie side by side, on a page or two, with
# no index beside the table (the file is 14 MB smaller and a name's first look-up reads fewer pages).
NAMES_TABLE = """
CREATE TABLE names (norm TEXT NOT NULL, pid INTEGER NOT NULL, primary_name INTEGER NOT NULL,
                    PRIMARY KEY (norm, pid, primary_name)) WITHOUT ROWID;
INSERT OR IGNORE INTO names SELECT norm, pid, primary_name FROM names_build ORDER BY norm, pid, primary_name;
DROP TABLE names_build;
"""


def keep_alternates(raws: list[str]) -> list[str | None]:
    """The lookup key of each alternate name, or None: Latin-script names only; airport and other
    all-capital codes and names with digits are left out."""
    norms = normalize_many(raws)
    digits = _digits()
    return [norm if len(norm) >= 2 and is_latin(norm) and len(raw) >= 2 and not digits.search(raw)
            and not (raw.isupper() and len(raw) <= 4) else None
            for raw, norm in zip(raws, norms)]


def normalize_many(names: list[str]) -> list[str]:
    """:func:`geo._text.normalize` of each name, in one call over them all joined by NULs (no step
    of it joins or splits across a NUL), at a fraction of the cost of a call per name."""
    if len(names) < 2:
        return [normalize(n) for n in names]
    parts = normalize("\0".join(names)).split("\0")
    if len(parts) != len(names):  # a name holding a NUL itself
        return [normalize(n) for n in names]
    return [p.strip() for p in parts]


@functools.cache
def _digits() -> re.Pattern:
    """Every character ``str.isdigit`` accepts: ``\\d`` and the few more (superscripts and the like)."""
    more = (ch for ch in map(chr, range(sys.maxunicode + 1)) if ch.isdigit() and not re.match(r"\d", ch))
    return re.compile(r"[\d" + "".join(map(re.escape, more)) + "]")
