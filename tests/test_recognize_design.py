"""geo.recognize as a library: a Recognizer shared between threads, the model loader's errors,
the rule registry and the typed spans."""

from __future__ import annotations

import pickle
import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from geo.errors import UsageError
from geo.recognize import RULES, Recognizer, Source, Span, Thresholds, load_model, model_info, model_name

REPO = Path(__file__).resolve().parents[1]

# Invented news, from several parts of the world, with the traps of real articles: organisations and
# people named after places, demonyms, abbreviations, datelines, lists, names used as modifiers.
ARTICLES = (
    ("LAGOS, Nigeria (AP) — Flooding in Lagos and Ibadan forced thousands from their homes on Monday, "
     "officials of the Lagos State Emergency Management Agency said. A Kano man drowned near Ikeja."),
    ("Officials in Charleston, W.Va., said the U.S. Army Corps of Engineers would inspect the dam. "
     "Virginia Ramsey, a Charleston resident, said Ramsey Street was under water."),
    ("The Syrian Democratic Forces advanced on the village of Baghuz, near the Iraqi border. "
     "Fighters fled toward Deir ez-Zor province, Kurdish officials told Ronahi TV."),
    ("Bushfires in NSW closed roads between Sydney and Canberra, and the UAE sent aid. "
     "Australian crews from Victoria, Queensland and Tasmania joined them."),
    ("Kerala reported new cases of Nipah on Tuesday. The Kozhikode district was sealed off, "
     "and Indian health officials flew from New Delhi."),
    ("Most of Harare was without power. Zimbabwean engineers said the Kariba dam, on the Zambezi "
     "river, was at a record low; Zambia and Zimbabwe share it."),
    ("Quito is the capital of Ecuador. Protesters marched from Quito to Guayaquil, where "
     "Ecuadorian police met them outside the port."),
)


def _articles() -> list[str]:
    return [*ARTICLES, *(p.read_text(encoding="utf-8") for p in sorted((REPO / "data" / "articles").glob("*.txt")))]


@pytest.fixture(scope="module")
def recognizer(geoparser):
    return geoparser.recognizer


def test_a_recognizer_shared_by_threads_gives_the_serial_mentions(geoparser):
    texts = _articles()
    rec = Recognizer(geoparser.gazetteer, nlp=geoparser.nlp)
    serial = [rec.mentions(t) for t in texts]
    assert sum(map(len, serial)) > 50, "the articles should name many places"
    order = [i for i in range(len(texts)) for _ in range(4)]
    random.Random(7).shuffle(order)
    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(lambda i: (i, rec.mentions(texts[i])), order))
    for i, mentions in threaded:
        assert mentions == serial[i], f"article {i} differs when recognised in parallel"


def test_the_model_loads_once_when_threads_ask_for_it_together(geoparser):
    rec = Recognizer(geoparser.gazetteer)
    with ThreadPoolExecutor(max_workers=3) as pool:
        models = list(pool.map(lambda _: rec.nlp, range(3)))
    assert all(m is models[0] for m in models)
    assert models[0].pipe_names == ["geo_sentencizer", "ner"]


def test_a_missing_model_name_is_a_usage_error_saying_how_to_install_it(monkeypatch):
    monkeypatch.delenv("GEO_MODEL", raising=False)
    with pytest.raises(UsageError, match=r"'geo_no_such_pipeline' is not installed.*pip install geo_no_such_pipeline"):
        load_model("geo_no_such_pipeline")
    monkeypatch.setenv("GEO_MODEL", "geo_no_such_pipeline_either")
    assert model_name() == "geo_no_such_pipeline_either"
    with pytest.raises(UsageError, match="geo_no_such_pipeline_either"):
        load_model()
    with pytest.raises(UsageError, match="pip install"):
        model_info()


def test_a_pipeline_without_an_entity_recogniser_is_refused(tmp_path, monkeypatch):
    import spacy

    monkeypatch.delenv("GEO_MODEL", raising=False)
    spacy.blank("en").to_disk(tmp_path / "blank")
    with pytest.raises(UsageError, match=r"no entity recogniser \('ner' component\)"):
        load_model(str(tmp_path / "blank"))


def test_the_tokenizer_is_read_whole_from_the_pipeline_and_tokenizes_as_spacy_loads_it(geoparser, monkeypatch):
    """The pipeline's tokenizer is built empty and filled by ``from_disk`` (no default tokenizer built
    only to be replaced): the very tokenizer ``spacy.load`` gives, rules, prefixes and all."""
    import spacy

    monkeypatch.delenv("GEO_MODEL", raising=False)
    nlp = geoparser.nlp
    assert nlp.config["nlp"]["tokenizer"] == {"@tokenizers": "geo.tokenizer_read_from_disk.v1"}
    plain = spacy.load(model_name(), exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])
    assert plain.config["nlp"]["tokenizer"] == {"@tokenizers": "spacy.Tokenizer.v1"}
    assert nlp.tokenizer.to_bytes(exclude=["vocab"]) == plain.tokenizer.to_bytes(exclude=["vocab"])
    text = ("U.S.-backed forces can't reach Deir ez-Zor (Syria) by 5 p.m.; see https://example.org/a?b=1, "
            "e-mail ops@example.org. N.Y.C.'s mayor, St. Louis, \"Côte d'Ivoire\" — 12km, 3.5mm, :) Mt. Kenya")
    assert [(t.text, t.idx) for t in nlp.make_doc(text)] == [(t.text, t.idx) for t in plain.make_doc(text)]


def test_a_pipeline_with_a_tokenizer_of_its_own_is_loaded_as_it_says(tmp_path):
    import spacy

    from geo.recognize._model import _tokenizer_override

    spacy.blank("en").to_disk(tmp_path / "en")
    spacy.blank("zh").to_disk(tmp_path / "zh")  # (its own tokenizer, spacy.zh.ChineseTokenizer)
    (tmp_path / "none").mkdir()
    assert _tokenizer_override(str(tmp_path / "en")) == {"nlp": {"tokenizer": {"@tokenizers": "geo.tokenizer_read_from_disk.v1"}}}
    assert _tokenizer_override(str(tmp_path / "zh")) == {}
    assert _tokenizer_override(str(tmp_path / "none")) == {}
    assert _tokenizer_override("geo_no_such_pipeline") == {}
    assert _tokenizer_override("geo_no_such.pipeline") == {}


def test_model_info_names_the_default_pipeline_and_its_version(geoparser, monkeypatch):
    monkeypatch.delenv("GEO_MODEL", raising=False)
    info = model_info()
    meta = geoparser.nlp.meta
    assert (info.name, info.version) == (f"{meta['lang']}_{meta['name']}", meta["version"])


def test_mention_sources_are_the_plain_names(recognizer):
    text = "A U.S.-backed force advanced on the village of Tadif. Tadif was shelled, officials in Syria said."
    mentions = recognizer.mentions(text)
    assert [(m.text, m.source) for m in mentions] == [("U.S.", "abbreviation"), ("Tadif", "trigger"),
                                                      ("Tadif", "propagated"), ("Syria", "ner")]
    assert all(type(m.source) is str and Source(m.source).value == m.source for m in mentions)


def test_each_source_has_its_own_name_and_every_rule_is_a_function():
    assert len({s.value for s in Source}) == len(Source)
    assert Source("gazetteer") is Source.GAZETTEER and Source.NER.rank < Source.DEMONYM.rank
    assert RULES and all(callable(rule) and rule.__doc__ for rule in RULES)


def test_a_span_must_fit_the_text():
    with pytest.raises(ValueError):
        Span(4, 4, "literal", Source.NER, "")
    with pytest.raises(ValueError):
        Span(0, 4, "figurative", Source.NER, "Oslo")  # type: ignore[arg-type]


def test_thresholds_decide_which_towns_a_rule_takes(geoparser):
    text = "A Gainesville man was arrested on Monday."
    assert [m.text for m in geoparser.recognizer.mentions(text)] == ["Gainesville"]
    strict = Recognizer(geoparser.gazetteer, nlp=geoparser.nlp,
                        thresholds=Thresholds(modifier=10**9, modifier_entity=10**9))
    assert strict.mentions(text) == []


def test_a_recognizer_pickles_without_its_model(geoparser):
    rec = pickle.loads(pickle.dumps(Recognizer(geoparser.gazetteer)))
    assert rec.thresholds == Thresholds()
    assert [m.text for m in rec.mentions("Flooding hit Dresden.")] == ["Dresden"]


# Sentence ends of several scripts and traps: abbreviations, "...", "?!", a quote or a bracket after
# the full stop, line breaks, a text of punctuation only, a text that starts with a full stop.
_SENTENCES = (
    'Floods hit Dhaka. "We lost everything," said Ms. Rahman. Then the rain stopped!? Mr. Ali left...\n\n'
    "BAGHDAD — Officials said (on Monday.) that 3.5 mm fell. U.S. aid arrived; the U.N. said so.",
    "पटना में बाढ़ आई। लोग घर छोड़ गए। 北京下雨了。人们回家了。 ¿Llueve en Lima? ¡Sí! Fin.",
    "... !!! ??? .", ". Kabul", "No full stop at all", "Wait.\n", "A. B. C.",
)


@pytest.mark.parametrize("text", _SENTENCES)
def test_geo_s_sentencizer_starts_the_sentences_spacy_s_does(geoparser, text):
    from spacy.attrs import SENT_START
    from spacy.pipeline.sentencizer import Sentencizer

    from geo.recognize._sentencizer import SentenceStarts

    nlp = geoparser.nlp
    ours, theirs = nlp.make_doc(text), nlp.make_doc(text)
    Sentencizer()(theirs)
    nlp.get_pipe("geo_sentencizer")(ours)
    assert ours.to_array([SENT_START]).tolist() == theirs.to_array([SENT_START]).tolist()
    assert [s.text for s in ours.sents] == [s.text for s in theirs.sents]
    lookup = SentenceStarts(nlp.vocab, Sentencizer.default_punct_chars)
    lookup._all_punct = False  # the path for characters that are not all punctuation: the same
    again = lookup(nlp.make_doc(text))
    assert again.to_array([SENT_START]).tolist() == theirs.to_array([SENT_START]).tolist()


def test_geo_s_sentencizer_keeps_sentence_starts_set_before_it(geoparser):
    from spacy.pipeline.sentencizer import Sentencizer

    text = "One. Two three four. Five"
    ours, theirs = geoparser.nlp.make_doc(text), geoparser.nlp.make_doc(text)
    for doc in (ours, theirs):
        doc[3].is_sent_start, doc[1].is_sent_start = True, False  # ("three"; "." after "One")
    Sentencizer()(theirs)
    geoparser.nlp.get_pipe("geo_sentencizer")(ours)
    assert [t.is_sent_start for t in ours] == [t.is_sent_start for t in theirs]
    assert ours[3].is_sent_start and ours[1].is_sent_start is False
    assert len(geoparser.nlp.get_pipe("geo_sentencizer")(geoparser.nlp.make_doc(""))) == 0
