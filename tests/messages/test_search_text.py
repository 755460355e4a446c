import unicodedata

import pytest

from app.messages.search_text import fold_for_search, search_terms

THAI_SENTENCE = "เจ้าหน้าที่ตรวจยึดงาช้าง"  # officers seized ivory
THAI_WORD = "ตรวจยึด"  # seize
CHINESE_SENTENCE = "海关查获穿山甲鳞片三吨"
CHINESE_WORD = "穿山甲鳞片"  # pangolin scales


def matches(query: str, text: str) -> bool:
    folded = fold_for_search(text)
    return all(term in folded for term in search_terms(query))


def test_vietnamese_without_marks() -> None:
    assert fold_for_search("Hải Phòng") == "hai phong"


def test_vietnamese_d_with_stroke() -> None:
    assert fold_for_search("Đà Nẵng đường") == "da nang duong"


def test_vietnamese_horn_letters() -> None:
    assert fold_for_search("Cảng Cát Lái, thương mại") == "cang cat lai, thuong mai"


def test_vietnamese_decomposed_input() -> None:
    decomposed = unicodedata.normalize("NFD", "Hải Phòng")
    assert fold_for_search(decomposed) == "hai phong"


def test_vietnamese_query_matches() -> None:
    assert matches("hai phong", "Tàu cập cảng Hải Phòng hôm qua")


def test_vietnamese_marked_query_matches_unmarked() -> None:
    assert matches("Hải", "HAI PHONG")


def test_thai_word_found_in_sentence() -> None:
    assert matches(THAI_WORD, THAI_SENTENCE)


def test_thai_marks_kept() -> None:
    assert fold_for_search(THAI_SENTENCE) == THAI_SENTENCE


def test_thai_word_without_marks_not_found() -> None:
    # ยึด (seize) without its vowel mark is ยด, which is not the same word.
    assert not matches("ตรวจยด", THAI_SENTENCE)


def test_thai_zero_width_space_ignored() -> None:
    assert matches(THAI_WORD, "เจ้าหน้าที่ตรวจ\u200bยึดงาช้าง")


def test_chinese_word_found() -> None:
    assert matches(CHINESE_WORD, CHINESE_SENTENCE)


def test_chinese_unchanged() -> None:
    assert fold_for_search(CHINESE_SENTENCE) == CHINESE_SENTENCE


@pytest.mark.parametrize(
    "text",
    [
        "ສິນຄ້າເຖື່ອນ",  # Lao: contraband goods
        "ការរឹបអូស",  # Khmer: seizure
        "កម្ពុជា",  # Khmer: Cambodia, with a coeng sign
        "မြန်မာ",  # Burmese: Myanmar
        "ဖမ်းဆီးရမိ",  # Burmese: seized
    ],
)
def test_other_scripts_keep_marks(text: str) -> None:
    assert fold_for_search(text) == text


def test_lao_word_found() -> None:
    assert matches("ເຖື່ອນ", "ສິນຄ້າເຖື່ອນ")


def test_case_folded() -> None:
    assert fold_for_search("CSQU3054383 Straße") == "csqu3054383 strasse"


def test_greek_accents_removed() -> None:
    assert fold_for_search("Αθήνα") == "αθηνα"


def test_cyrillic_marks_removed() -> None:
    assert fold_for_search("Ёлка") == "елка"


def test_full_width_latin_unified() -> None:
    assert fold_for_search("ＣＳＱＵ") == "csqu"


def test_whitespace_collapsed() -> None:
    assert fold_for_search("  a\t\tb\n\u00a0c  ") == "a b c"


def test_mark_after_digit_kept() -> None:
    assert fold_for_search("1\u0301") == "1\u0301"


def test_fold_idempotent() -> None:
    text = "Hải Phòng เจ้าหน้าที่ ທຳ 穿山甲 ＣＳＱＵ Straße"
    assert fold_for_search(fold_for_search(text)) == fold_for_search(text)


def test_result_is_nfc() -> None:
    folded = fold_for_search("ᄒ\u1161\u11ab 한국")
    assert unicodedata.is_normalized("NFC", folded)


def test_terms_split_and_folded() -> None:
    assert search_terms("  Hải   PHÒNG\t穿山甲 ") == ["hai", "phong", "穿山甲"]


def test_terms_drop_empty() -> None:
    assert search_terms("a \u200b b") == ["a", "b"]


def test_terms_of_blank_query() -> None:
    assert search_terms(" \t\n") == []


def test_every_term_must_match() -> None:
    assert not matches("hai hanoi", "Hải Phòng")
