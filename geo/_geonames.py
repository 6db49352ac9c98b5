"""What geo knows of the GeoNames dumps before reading one: the download server, the dump names,
the feature classes. Plain constants, so the command line builds its help without importing the
importer (:mod:`geo.gazetteer._import`, :mod:`geo.gazetteer._download`)."""

from __future__ import annotations

__all__ = ["DEFAULT_BASE_URL", "DUMP_NAMES", "ALL_CLASSES"]

DEFAULT_BASE_URL = "https://download.geonames.org/export/dump/"
#: dump files (besides the XX country files) that ``geo gazetteer download`` accepts by name
DUMP_NAMES = ("allCountries", "cities500", "cities1000", "cities5000", "cities15000", "alternateNamesV2",
              "alternateNames")
#: every GeoNames feature class (the default of ``--feature-classes``)
ALL_CLASSES = "ADHLPRSTUV"
