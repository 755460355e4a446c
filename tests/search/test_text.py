"""Free-text search: case, diacritics, scripts without spaces, terms and fields."""

from __future__ import annotations

from tests.search.conftest import Cug, found_ids, post, warning_fields


async def test_vietnamese_unmarked_query(cug: Cug) -> None:
    port = await post(cug, cug.user_vn, cug.user_vn2, subject="Tàu cập cảng Hải Phòng")
    await post(cug, cug.user_vn, cug.user_vn2, subject="Tàu cập cảng Đà Nẵng")

    assert await found_ids(cug, cug.user_vn, q="hai phong") == {port}


async def test_vietnamese_marked_capitals(cug: Cug) -> None:
    port = await post(cug, cug.user_vn, cug.user_vn2, subject="Tàu cập cảng Hải Phòng")

    assert await found_ids(cug, cug.user_vn, q="HẢI") == {port}


async def test_vietnamese_marked_query_unmarked_text(cug: Cug) -> None:
    port = await post(cug, cug.user_vn, cug.user_vn2, body="ship bound for HAI PHONG")

    assert await found_ids(cug, cug.user_vn, q="Hải Phòng") == {port}


async def test_vietnamese_d_with_stroke(cug: Cug) -> None:
    port = await post(cug, cug.user_vn, cug.user_vn2, subject="Cảng Đà Nẵng")

    assert await found_ids(cug, cug.user_vn, q="da nang") == {port}


async def test_thai_word_inside_run(cug: Cug) -> None:
    # "Officers seized ivory", written without spaces between words.
    seizure = await post(cug, cug.user_th, cug.user_vn, body="เจ้าหน้าที่ตรวจยึดงาช้าง")
    await post(cug, cug.user_th, cug.user_vn, body="เจ้าหน้าที่ตรวจสอบเอกสาร")

    assert await found_ids(cug, cug.user_th, q="ตรวจยึด") == {seizure}


async def test_thai_without_vowel_mark(cug: Cug) -> None:
    await post(cug, cug.user_th, cug.user_vn, body="เจ้าหน้าที่ตรวจยึดงาช้าง")

    assert await found_ids(cug, cug.user_th, q="ตรวจยด") == set()


async def test_chinese_word_inside_run(cug: Cug) -> None:
    scales = await post(cug, cug.user_vn, cug.user_vn2, body="海关查获穿山甲鳞片三吨")
    await post(cug, cug.user_vn, cug.user_vn2, body="海关查获象牙两吨")

    assert await found_ids(cug, cug.user_vn, q="穿山甲") == {scales}


async def test_khmer_word_inside_run(cug: Cug) -> None:
    # "Customs seized ivory" and "customs checked documents".
    ivory = await post(cug, cug.user_kh, cug.user_vn, body="គយបានរឹបអូសភ្លុកដំរី")
    await post(cug, cug.user_kh, cug.user_vn, body="គយបានពិនិត្យឯកសារ")

    assert await found_ids(cug, cug.user_kh, q="រឹបអូស") == {ivory}


async def test_lao_word_inside_run(cug: Cug) -> None:
    drugs = await post(cug, cug.user_vn, cug.user_vn2, body="ເຈົ້າໜ້າທີ່ກວດຍຶດຢາເສບຕິດ")

    assert await found_ids(cug, cug.user_vn, q="ຢາເສບຕິດ") == {drugs}


async def test_burmese_word_inside_run(cug: Cug) -> None:
    ivory = await post(cug, cug.user_vn, cug.user_vn2, body="အကောက်ခွန်ဆင်စွယ်သိမ်းဆည်း")

    assert await found_ids(cug, cug.user_vn, q="ဆင်စွယ်") == {ivory}


async def test_one_character_term(cug: Cug) -> None:
    tiger = await post(cug, cug.user_vn, cug.user_vn2, body="查获虎皮一张")
    await post(cug, cug.user_vn, cug.user_vn2, body="查获象牙两吨")

    assert await found_ids(cug, cug.user_vn, q="虎") == {tiger}


async def test_two_character_term(cug: Cug) -> None:
    code = await post(cug, cug.user_vn, cug.user_vn2, body="route QX via Laem Chabang")
    await post(cug, cug.user_vn, cug.user_vn2, body="route QY via Laem Chabang")

    assert await found_ids(cug, cug.user_vn, q="qx") == {code}


async def test_short_and_long_terms(cug: Cug) -> None:
    both = await post(cug, cug.user_vn, cug.user_vn2, body="QX pangolin")
    await post(cug, cug.user_vn, cug.user_vn2, body="QX ivory")
    await post(cug, cug.user_vn, cug.user_vn2, body="QY pangolin")

    assert await found_ids(cug, cug.user_vn, q="pangolin qx") == {both}


async def test_terms_are_anded(cug: Cug) -> None:
    scales = await post(cug, cug.user_vn, cug.user_vn2, body="pangolin scales")
    await post(cug, cug.user_vn, cug.user_vn2, body="pangolin meat")
    await post(cug, cug.user_vn, cug.user_vn2, body="fish scales")

    assert await found_ids(cug, cug.user_vn, q="scales pangolin") == {scales}


async def test_terms_across_subject_and_body(cug: Cug) -> None:
    message = await post(
        cug, cug.user_vn, cug.user_vn2, subject="Pangolin", body="scales"
    )

    assert await found_ids(cug, cug.user_vn, q="pangolin scales") == {message}


async def test_term_matches_inside_word(cug: Cug) -> None:
    message = await post(cug, cug.user_vn, cug.user_vn2, body="Transshipment")

    assert await found_ids(cug, cug.user_vn, q="SHIP") == {message}


async def test_no_match(cug: Cug) -> None:
    await post(cug, cug.user_vn, cug.user_vn2, body="pangolin scales")

    assert await found_ids(cug, cug.user_vn, q="rhino") == set()


async def test_percent_is_literal(cug: Cug) -> None:
    pure = await post(cug, cug.user_vn, cug.user_vn2, body="100% pure")
    await post(cug, cug.user_vn, cug.user_vn2, body="1000 pure")

    assert await found_ids(cug, cug.user_vn, q="0%") == {pure}


async def test_underscore_is_literal(cug: Cug) -> None:
    name = await post(cug, cug.user_vn, cug.user_vn2, body="file lot_17")
    await post(cug, cug.user_vn, cug.user_vn2, body="file lotx17")

    assert await found_ids(cug, cug.user_vn, q="lot_17") == {name}


async def test_backslash_is_literal(cug: Cug) -> None:
    path = await post(cug, cug.user_vn, cug.user_vn2, body="share a\\b\\c")
    await post(cug, cug.user_vn, cug.user_vn2, body="share abc")

    assert await found_ids(cug, cug.user_vn, q="a\\b") == {path}


async def test_double_quote_in_term(cug: Cug) -> None:
    quoted = await post(cug, cug.user_vn, cug.user_vn2, body='vessel "Sea Star"')
    await post(cug, cug.user_vn, cug.user_vn2, body="vessel Sea Star")

    assert await found_ids(cug, cug.user_vn, q='"sea') == {quoted}


async def test_fts_syntax_is_literal(cug: Cug) -> None:
    literal = await post(cug, cug.user_vn, cug.user_vn2, body="tags NEAR(a b) OR c*")
    await post(cug, cug.user_vn, cug.user_vn2, body="tags a b c")

    assert await found_ids(cug, cug.user_vn, q="NEAR(a OR c*") == {literal}


async def test_html_body_text_only(cug: Cug) -> None:
    html = await post(
        cug,
        cug.user_vn,
        cug.user_vn2,
        body="<p>hidden <b>cargo</b></p>",
        body_format="html",
    )

    assert await found_ids(cug, cug.user_vn, q="hidden cargo") == {html}
    assert await found_ids(cug, cug.user_vn, q="<b>") == set()


async def test_text_fields_found(cug: Cug) -> None:
    warning = await post(
        cug,
        cug.user_vn,
        cug.user_vn2,
        type="warning",
        subject="Warning 4",
        body="See fields.",
        fields=warning_fields(conveyance="MV Biển Đông", risk_indicators="ghost"),
    )

    assert await found_ids(cug, cug.user_vn, q="bien dong") == {warning}
    assert await found_ids(cug, cug.user_vn, q="ghost") == {warning}


async def test_enum_fields_not_found(cug: Cug) -> None:
    await post(
        cug,
        cug.user_vn,
        cug.user_vn2,
        type="warning",
        subject="Warning 5",
        body="See fields.",
        fields=warning_fields(commodity="timber", description="logs"),
    )

    assert await found_ids(cug, cug.user_vn, q="timber") == set()


async def test_container_number_text(cug: Cug) -> None:
    warning = await post(
        cug,
        cug.user_vn,
        cug.user_vn2,
        type="warning",
        subject="Warning 6",
        body="See fields.",
        fields=warning_fields(container_numbers=["CSQU3054383"]),
    )

    assert await found_ids(cug, cug.user_vn, q="csqu305") == {warning}


async def test_blank_query_lists_all(cug: Cug) -> None:
    first = await post(cug, cug.user_vn, cug.user_vn2, body="one")
    second = await post(cug, cug.user_vn, cug.user_vn2, body="two")

    assert await found_ids(cug, cug.user_vn, q="   ") == {first, second}
