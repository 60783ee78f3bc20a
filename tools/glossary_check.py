"""Glossary consistency of the Korean catalogs: where a translated message's English prose uses a
glossary term (course_lib.glossary, whole words, plural -s/-es allowed, any case), its Korean
text uses one of that term's Korean variants (spacing ignored: 전이학습 = 전이 학습).

Inline code, math, link targets, roles, HTML tags and quotations (paper titles, a program's
messages: they stay in English) are not searched, nor a message kept unchanged (msgstr = msgid:
the English column of the glossary table, a name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from course_lib.glossary import GLOSSARY

from .translations import load_catalog, translated

__all__ = ["TermMiss", "english_forms", "term_misses"]

# Terms whose " / " alternatives share a word, spelled out whole.
SPELLED_OUT = {
    "simple / complex cells": ["simple cells", "complex cells"],
    "L1 / L2 regularization": ["L1 regularization", "L2 regularization"],
    "training / evaluation mode": ["training mode", "evaluation mode"],
    "training / validation / test set": ["training set", "validation set", "test set"],
    "'valid' / 'same' padding": ["valid padding", "same padding"],
}
# The allowlist. An English form a Korean text may keep as it is, because Korean writers do:
KEPT_IN_ENGLISH = {"ReLU (rectified linear unit)": ["ReLU"]}
# Messages (by how their English begins) where a form is not the glossary's term:
OTHER_SENSE = {
    # GoogLeNet's auxiliary classifiers: a head, but not the top classifier of transfer learning
    ("head", "An extra softmax head on an intermediate layer"),
}

NOT_PROSE = re.compile(
    r"`[^`]*`"  # inline code and the argument of a role ({ref}`...`)
    r"|\$\$.*?\$\$|\$[^$]*\$"  # math
    r"|\]\([^)]*\)"  # a link's target
    r"|<[^>]+>"  # HTML tags
    r'|"[^"\n]*"|“[^”]*”'  # quotations: paper titles and program messages stay in English
    r"|https?://\S+", re.S)
PARENTHESES = re.compile(r"\s*\([^)]*\)")


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def english_forms() -> dict[str, tuple[re.Pattern, list[str]]]:
    """English form -> (its whole-word pattern, the Korean variants that may stand for it).

    An English form shared by two terms (feature extraction) accepts either term's variants.
    Longest forms first: text matched by one (global average pooling) is not searched again for
    a shorter form inside it (average pooling, pooling).
    """
    forms: dict[str, list[str]] = {}
    for term in GLOSSARY:
        english = SPELLED_OUT.get(term.en) or [
            e.strip() for e in PARENTHESES.sub("", term.en).split(" / ")]
        korean = [PARENTHESES.sub("", v).strip() for v in term.ko_variants]
        korean += KEPT_IN_ENGLISH.get(term.en, [])
        for form in english:
            forms.setdefault(form, [])
            forms[form] += [k for k in korean if k not in forms[form]]
    # Not followed by "(" or "=": shortcut(x) and stride = 2 are code written without backticks.
    return {form: (re.compile(r"(?<![\w-])" + re.escape(form) + r"(?:s|es)?(?![\w(-])(?!\s*=)",
                              re.I),
                   korean) for form, korean in sorted(forms.items(), key=lambda f: -len(f[0]))}


@dataclass(frozen=True)
class TermMiss:
    english: str  # the glossary term's English form found in the msgid
    korean: list[str]  # the variants, none of which the msgstr contains
    msgid: str
    msgstr: str

    def __str__(self) -> str:
        return (f"{self.english!r} -> none of {self.korean} in: {self.msgstr[:90]!r} "
                f"(for {self.msgid[:70]!r})")


def term_misses(path) -> list[TermMiss]:
    """Every translated message of the catalog at `path` that drops a glossary term."""
    forms = english_forms()
    misses = []
    for message in load_catalog(path):
        if not message.id or not message.string or not translated(message) \
                or message.string == message.id:
            continue
        prose = NOT_PROSE.sub(" ", str(message.id))
        korean_text = _squeeze(str(message.string)).casefold()
        for form, (pattern, korean) in forms.items():  # longest first: see english_forms
            found = pattern.search(prose)
            if not found:
                continue
            prose = pattern.sub(lambda m: " " * len(m.group()), prose)
            if any(form == f and str(message.id).startswith(start) for f, start in OTHER_SENSE):
                continue
            if not any(_squeeze(k).casefold() in korean_text for k in korean):
                misses.append(TermMiss(form, korean, str(message.id), str(message.string)))
    return misses
