"""The printable sheet of student codes: read back the real PDF and check what a teacher gets."""

from __future__ import annotations

import datetime
import io
import random

import pytest
from pypdf import PdfReader

from dramaturg.surveys.code_sheet import code_sheet_pdf

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def make_codes(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    codes: set[str] = set()

    def half() -> str:
        return "".join(rng.choice(ALPHABET) for _ in range(4))

    while len(codes) < count:
        codes.add(f"{half()}-{half()}")
    return sorted(codes)


def render(codes: list[str], **overrides) -> bytes:
    arguments = {
        "school": "Het Noorderlicht College",
        "round_title": "Hoe ervaar jij de lessen?",
        "class_name": "3B",
        "codes": codes,
        "answer_url": "https://example.org/s/",
        "closes_on": datetime.date(2026, 12, 12),
        "language": "en",
    } | overrides
    return code_sheet_pdf(**arguments)


def pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_every_code_appears_exactly_once():
    codes = make_codes(30)
    text = "\n".join(pages(render(codes)))
    for code in codes:
        assert text.count(code) == 1, code


def test_sheet_names_the_class_the_address_and_the_count():
    data = render(make_codes(30))
    assert data.startswith(b"%PDF")
    first = pages(data)[0]
    assert "Class 3B: 30 codes" in first
    assert "https://example.org/s/" in first
    assert "Het Noorderlicht College" in first
    assert "Hoe ervaar jij de lessen?" in first
    assert "12 December 2026" in first
    assert "anonymous" in first
    assert "one slip per student" in first


def test_thirty_codes_fill_three_numbered_pages():
    texts = pages(render(make_codes(30)))
    assert len(texts) == 3
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of 3" in text
        assert "Class 3B" in text
    assert sum(text.count("https://example.org/s/") for text in texts) == 30


@pytest.mark.parametrize(("count", "expected"), [(0, 1), (1, 1), (12, 1), (13, 2), (40, 4)])
def test_page_count_grows_with_the_codes(count, expected):
    assert len(pages(render(make_codes(count)))) == expected


def test_characters_outside_the_core_fonts_do_not_crash():
    data = render(
        make_codes(3),
        school="Školа ✓",
        round_title="Łessen “nu” — ok 🙂",
        class_name="Ω-klas",
    )
    text = pages(data)[0]
    assert "Škol" in text
    assert "?" in text
    for code in make_codes(3):
        assert code in text


def test_long_texts_are_fitted_and_codes_stay_whole():
    codes = make_codes(2)
    data = render(codes, school="Stichting " * 20, round_title="Een heel lange titel " * 10)
    text = pages(data)[0]
    assert "..." in text
    for code in codes:
        assert code in text


def test_dutch_sheet_formats_the_date_in_dutch():
    text = pages(render(make_codes(5), language="nl"))[0]
    assert "12 december 2026" in text
