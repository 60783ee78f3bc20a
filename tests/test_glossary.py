"""The glossary holds every Korean term of the curriculum's chapter-13 list, each entry names a
real chapter, and chapter references become links only where the chapter's notebook exists."""

from __future__ import annotations

import re

import pytest

from course_lib.glossary import GLOSSARY, find_term, glossary_markdown
from course_lib.outline import CHAPTERS, chapter, chapter_link

# CURRICULUM.md, section 13: "합성곱/컨볼루션, 필터/커널, 특징 지도, 패딩, 스트라이드, 수용 영역,
# 풀링, 드롭아웃, 배치 정규화, 데이터 증강, 전이학습, 미세조정, …", with the chapter teaching each.
CURRICULUM_TERMS = {
    "합성곱": 3, "컨볼루션": 3, "필터": 3, "커널": 3, "특징 지도": 3, "패딩": 4, "스트라이드": 4,
    "수용 영역": 4, "풀링": 5, "드롭아웃": 6, "배치 정규화": 7, "데이터 증강": 8, "전이학습": 11,
    "미세조정": 11,
}


@pytest.mark.parametrize(("ko", "number"), CURRICULUM_TERMS.items())
def test_curriculum_terms_are_in_the_glossary_with_their_chapter(ko, number):
    assert find_term(ko).chapter == number


def test_curriculum_list_matches_the_curriculum_file_when_present(repo_root):
    path = repo_root.parent / "shared" / "CURRICULUM.md"
    if not path.is_file():
        pytest.skip("no ../shared/CURRICULUM.md beside this clone")
    section = path.read_text(encoding="utf-8").split("## 13")[1]
    listed = re.search(r"\((합성곱[^)]*)\)", section).group(1)
    terms = {t.strip() for part in listed.split(",") for t in part.split("/")} - {"…"}
    assert terms == set(CURRICULUM_TERMS)


def test_entries_are_complete_and_unique():
    assert len(GLOSSARY) >= 80
    for term in GLOSSARY:
        assert term.ko and term.en and term.definition.endswith((".", ")"))
        assert re.search("[가-힣]", term.ko), f"{term.en}: no Korean in {term.ko!r}"
        chapter(term.chapter)  # raises for a chapter that does not exist
    variants = [v for t in GLOSSARY for v in t.ko_variants]
    assert len(variants) == len(set(variants))
    assert len({t.en.lower() for t in GLOSSARY}) == len(GLOSSARY)
    assert {t.chapter for t in GLOSSARY} >= set(range(1, 13))  # chapters 1-12 each teach terms
    assert find_term("Stride").ko == "스트라이드 / 보폭" and find_term("보폭").en == "stride"
    with pytest.raises(ValueError, match="not in the glossary"):
        find_term("transformer")


def test_outline_numbers_and_slugs():
    assert [c.number for c in CHAPTERS] == list(range(1, 14))
    assert all(c.slug.startswith(f"{c.number:02d}_") for c in CHAPTERS)
    assert chapter(3).slug == "03_convolution"
    with pytest.raises(ValueError, match="no chapter 14"):
        chapter(14)


def test_links_only_to_existing_notebooks(tmp_path, repo_root):
    (tmp_path / "03_convolution.ipynb").write_text("{}")
    assert chapter_link(3, tmp_path) == "[chapter 3](03_convolution.ipynb)"
    assert chapter_link(4, tmp_path) == "chapter 4"
    assert chapter_link(3, tmp_path, text="convolution") == "[convolution](03_convolution.ipynb)"
    table = glossary_markdown(tmp_path)
    lines = table.splitlines()
    assert lines[0] == "| 한국어 | English | Meaning | Taught in |"
    assert len(lines) == 2 + len(GLOSSARY)
    linked = set(re.findall(r"\]\(([^)]+)\)", table))
    assert linked == {"03_convolution.ipynb"}
    assert "| chapter 11 |" in table
    # In the repository, every link the table makes points at a chapter that exists.
    for target in re.findall(r"\]\(([^)]+)\)", glossary_markdown(repo_root / "chapters")):
        assert (repo_root / "chapters" / target).is_file()
