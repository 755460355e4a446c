from __future__ import annotations

import unicodedata
from urllib.parse import unquote

import pytest

from app.attachments.names import content_disposition, safe_filename


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../x", "x"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("C:\\x\\y.pdf", "y.pdf"),
        ("C:y.pdf", "y.pdf"),
        ("/etc/passwd", "passwd"),
        ("reports/2018/seizure.pdf", "seizure.pdf"),
        ("\\\\server\\share\\scan.png", "scan.png"),
    ],
)
def test_path_parts_removed(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


@pytest.mark.parametrize(
    "name",
    [
        "báo cáo thu giữ.pdf",
        "รายงาน.pdf",
        "缉获报告.pdf",
        "Отчёт об изъятии.docx",
        "ထုတ်ပြန်ချက်.pdf",
        "seizure report (final) v2.xlsx",
        ".hidden",
        "name.with.dots.pdf",
        "ผลการตรวจ ครั้งที่ ๒.pdf",
    ],
)
def test_ordinary_names_unchanged(name: str) -> None:
    assert safe_filename(name) == name


def test_bidi_override_removed() -> None:
    assert safe_filename("invoice\u202efdp.exe") == "invoicefdp.exe"


@pytest.mark.parametrize(
    "character",
    [
        "\u202a",
        "\u202b",
        "\u202c",
        "\u202d",
        "\u202e",
        "\u2066",
        "\u2067",
        "\u2068",
        "\u2069",
        "\u200e",
        "\u200f",
        "\u061c",
    ],
)
def test_each_bidi_character_removed(character: str) -> None:
    assert safe_filename(f"a{character}b.pdf") == "ab.pdf"


def test_zero_width_non_joiner_kept() -> None:
    # Persian and several Indic scripts need U+200C inside words.
    assert safe_filename("می\u200cخواهم.pdf") == "می\u200cخواهم.pdf"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("re\x00port.pdf", "report.pdf"),
        ("line\nbreak\r.pdf", "linebreak.pdf"),
        ("tab\there.pdf", "tabhere.pdf"),
        ("del\x7f.pdf", "del.pdf"),
        ("c1\x85\x9b.pdf", "c1.pdf"),
        ("x.pdf\r\nSet-Cookie: a=b", "x.pdfSet-Cookie: a=b"),
    ],
)
def test_control_characters_removed(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_nfd_becomes_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "báo cáo.pdf")
    assert decomposed != "báo cáo.pdf"
    assert safe_filename(decomposed) == "báo cáo.pdf"


def test_nfc_after_removal_joins_mark() -> None:
    assert safe_filename("cafe\u200f\u0301.txt") == "café.txt"


@pytest.mark.parametrize(
    "name", [None, "", "   ", ".", "..", "...", "../..", "a/", "\u202e", "\x00", "C:"]
)
def test_empty_result_becomes_file(name: str | None) -> None:
    assert safe_filename(name) == "file"


def test_surrounding_whitespace_stripped() -> None:
    assert safe_filename("  \u3000report one.pdf \t") == "report one.pdf"


def test_long_ascii_name_capped() -> None:
    result = safe_filename("a" * 300 + ".pdf")
    assert len(result.encode()) == 255
    assert result.endswith(".pdf")
    assert result == "a" * 251 + ".pdf"


def test_long_thai_name_cut_at_character() -> None:
    name = "รายงาน" * 30 + ".pdf"
    assert len(name.encode()) > 255

    result = safe_filename(name)

    assert len(result.encode()) <= 255
    assert len(result.encode()) > 250
    assert result.endswith(".pdf")
    assert name.startswith(result.removesuffix(".pdf"))


def test_long_chinese_name_without_extension() -> None:
    name = "缉获报告" * 30
    result = safe_filename(name)

    assert len(result.encode()) == 255
    assert name.startswith(result)


def test_long_extension_not_kept() -> None:
    name = "report." + "x" * 300
    result = safe_filename(name)

    assert len(result.encode()) == 255
    assert result == name[:255]


def test_exactly_255_bytes_unchanged() -> None:
    name = "a" * 251 + ".pdf"
    assert safe_filename(name) == name


def test_ascii_disposition_without_extended() -> None:
    assert content_disposition("seizure report.pdf") == (
        'attachment; filename="seizure report.pdf"'
    )


def test_vietnamese_disposition() -> None:
    value = content_disposition("báo cáo thu giữ.pdf")

    assert value.startswith('attachment; filename="bao cao thu giu.pdf"; ')
    assert value.endswith(
        "filename*=UTF-8''b%C3%A1o%20c%C3%A1o%20thu%20gi%E1%BB%AF.pdf"
    )


def test_thai_disposition_round_trip() -> None:
    value = content_disposition("รายงาน.pdf")
    encoded = value.split("filename*=UTF-8''", 1)[1]

    assert value.isascii()
    assert unquote(encoded) == "รายงาน.pdf"
    assert 'filename="______.pdf"' in value


def test_chinese_disposition_fallback() -> None:
    value = content_disposition("缉获报告.pdf")
    assert 'filename="____.pdf"' in value
    assert "filename*=UTF-8''%E7%BC%89" in value


def test_quote_and_backslash_escaped() -> None:
    value = content_disposition('say "hi" \\ bye.txt')

    assert value.startswith('attachment; filename="say \\"hi\\" \\\\ bye.txt"')
    assert value.endswith("filename*=UTF-8''say%20%22hi%22%20%5C%20bye.txt")


def test_percent_gets_extended() -> None:
    value = content_disposition("100%25.txt")
    assert value.endswith("filename*=UTF-8''100%2525.txt")


def test_control_characters_never_in_header() -> None:
    value = content_disposition("x\r\nSet-Cookie: a=b.txt")

    assert "\r" not in value
    assert "\n" not in value
    assert "filename*=UTF-8''x%0D%0ASet-Cookie%3A%20a%3Db.txt" in value


def test_attr_chars_not_encoded() -> None:
    value = content_disposition("a!#$&+^`|~-_.é")
    assert value.endswith("filename*=UTF-8''a!#$&+^`|~-_.%C3%A9")
