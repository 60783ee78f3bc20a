"""The tools behind the Korean edition: how a catalog's messages are counted, how a glossary term
is found in English prose and checked in Korean, and where the language switch leads."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from tools import translations
from tools.glossary_check import english_forms, term_misses

ROOT = Path(__file__).resolve().parents[2]


def _write(path: Path, pairs: list[tuple[str, str, bool]]) -> Path:
    catalog = Catalog(locale="ko")
    for msgid, msgstr, fuzzy in pairs:
        catalog.add(msgid, msgstr, flags=["fuzzy"] if fuzzy else [])
    with path.open("wb") as f:
        write_po(f, catalog)
    return path


def test_counts_fuzzy_as_untranslated_and_symbols_as_done(tmp_path, monkeypatch):
    monkeypatch.setattr(translations, "CATALOGS", tmp_path)
    _write(tmp_path / "page.po", [("A convolution.", "합성곱입니다.", False),
                                  ("A filter.", "필터.", True),  # fuzzy: not translated
                                  ("The stride.", "", False),
                                  ("3 × 3 = 9", "", False)])  # nothing to translate
    counts = translations.page_counts("page", before={"A convolution.", "A filter."})
    assert (counts.total, counts.translated, counts.fuzzy, counts.untranslated, counts.new) == (
        4, 2, 1, 1, 2)
    assert counts.share == 0.5


def test_glossary_terms_are_found_whole_and_checked_in_korean(tmp_path):
    forms = english_forms()
    assert forms["pooling"][0].search("after max pooling,")
    assert not forms["edge"][0].search("knowledge")
    # Code without backticks is not prose: a call, an assignment.
    assert not forms["shortcut"][0].search("out = ReLU(F(x) + shortcut(x))")
    assert not forms["stride"][0].search("side by side (stride = kernel_size)")
    assert forms["stride"][0].search("a stride of 2 (the default)")
    assert forms["training set"][1] == ["훈련", "검증", "테스트 세트"]
    # Two terms share "feature extraction": either Korean form will do.
    assert {"특징 추출", "특성 추출"} <= set(forms["feature extraction"][1])
    path = _write(tmp_path / "p.po", [
        ("Global average pooling keeps one value.", "전역 평균 풀링은 값 하나를 남깁니다.", False),
        ("Transfer learning reuses a network.", "전이 학습은 네트워크를 다시 씁니다.", False),
        ("The stride of `nn.Conv2d(stride=2)`.", "보폭입니다.", False),
        ("Dropout drops units.", "유닛을 끕니다.", False),  # 드롭아웃 missing
        ("A fuzzy edge.", "가장자리.", True),
        ("feature map", "feature map", False),  # kept as it is: the English column of a table
        ("See \"Deep residual learning\" and $x$.", "논문을 보세요.", False)])
    misses = term_misses(path)
    assert [m.english for m in misses] == ["dropout"]


def test_language_switch_leads_to_the_same_page():
    spec = importlib.util.spec_from_file_location("language_switch",
                                                  ROOT / "_ext" / "language_switch.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.counterpart("intro", "en") == ("ko", "ko/intro.html")
    assert module.counterpart("chapters/03_convolution", "en") == (
        "ko", "../ko/chapters/03_convolution.html")
    assert module.counterpart("chapters/03_convolution", "ko") == (
        "en", "../../chapters/03_convolution.html")
    assert module.counterpart("intro", "ko") == ("en", "../intro.html")
