"""Resident ID, unified social credit code and phone validators."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shebao.domain.identifiers import (
    id_check_char,
    uscc_check_char,
    validate_credit_code,
    validate_id_number,
    validate_phone,
)

TODAY = dt.date(2026, 11, 28)


@pytest.mark.parametrize(
    ("value", "birth", "sex"),
    [
        ("11010519491231002X", "1949-12-31", "female"),  # the GB 11643 sample number
        ("11010519491231002x", "1949-12-31", "female"),  # lower-case x accepted
        ("140522199001011236", "1990-01-01", "male"),  # 阳城县 address code
        ("440524198001010013", "1980-01-01", "male"),
        ("１１０１０５１９４９１２３１００２Ｘ", "1949-12-31", "female"),  # full-width input
    ],
)
def test_valid_id_numbers(value, birth, sex):
    check = validate_id_number(value, today=TODAY)
    assert check.valid, check.message
    assert check.details["birth_date"] == birth
    assert check.details["sex"] == sex


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("110105194912310021", "校验码错误"),
        ("11010519491331002X", "不是真实存在的日期"),
        ("11010519490229002X", "不是真实存在的日期"),  # 1949 is not a leap year
        ("99010519491231002X", "省级行政区划代码"),
        ("1101051949123100", "应为 18 位，当前为 16 位"),
        ("1101051949123100AX", "第 17 位“A”不是数字"),
        ("11010519491231002Y", "第 18 位（校验码）应为数字或 X"),
        ("140522202712310011", "晚于今天"),
        ("", "为空"),
    ],
)
def test_invalid_id_numbers_say_what_is_wrong(value, message):
    check = validate_id_number(value, today=TODAY)
    assert not check.valid
    assert message in check.message


def test_check_character_algorithm():
    # weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, "10X98765432"[sum mod 11]
    assert id_check_char("11010519491231002") == "X"
    assert id_check_char("14052219900101123") == "6"


def test_legacy_15_digit_recognised_and_upgraded():
    check = validate_id_number("440524800101001", today=TODAY)
    assert check.valid and check.kind == "id_number_legacy15"
    assert check.details["birth_date"] == "1980-01-01"
    assert check.details["upgraded"] == "440524198001010013"
    assert validate_id_number(check.details["upgraded"], today=TODAY).valid
    bad = validate_id_number("440524801301001", today=TODAY)
    assert not bad.valid and "15 位" in bad.message and "不是真实存在的日期" in bad.message


@pytest.mark.parametrize("value", ["91350100M000100Y43", "91110000600037341L", "91140522MA0K1234X0"])
def test_valid_credit_codes(value):
    if value == "91140522MA0K1234X0":  # build a 阳城县 code with its computed check character
        value = value[:17] + uscc_check_char(value[:17])
    check = validate_credit_code(value)
    assert check.valid, check.message
    assert check.details["region_code"] == value[2:8]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("91350100M000100Y44", "校验码错误：按前 17 位计算第 18 位应为“3”"),
        ("91350100M000100Y4", "应为 18 位，当前为 17 位"),
        ("9135010OM000100Y43", "第 8 位“O”不是允许的字符"),
        ("91350100M000I00Y43", "不使用字母 I、O、Z、S、V"),
        ("91AB0100M000100Y43", "行政区划代码"),
        ("", "为空"),
    ],
)
def test_invalid_credit_codes_say_what_is_wrong(value, message):
    check = validate_credit_code(value)
    assert not check.valid
    assert message in check.message


@pytest.mark.parametrize(
    ("value", "kind", "normalized"),
    [
        ("0356-4228486", "landline", "0356-4228486"),  # the guide's numbers, as written
        ("0356 - 3201060", "landline", "0356-3201060"),
        ("0356—3201061", "landline", "0356-3201061"),
        ("(0356)4228486", "landline", "0356-4228486"),
        ("03564228486", "landline", "0356-4228486"),
        ("010-62345678", "landline", "010-62345678"),
        ("0356-4228486转123", "landline", "0356-4228486-123"),
        ("13812345678", "mobile", "13812345678"),
        ("+86 138 1234 5678", "mobile", "13812345678"),
        ("12333", "service", "12333"),
    ],
)
def test_valid_phones(value, kind, normalized):
    check = validate_phone(value)
    assert check.valid, check.message
    assert (check.kind, check.normalized) == (kind, normalized)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12812345678", "第 2 位应为 3–9"),
        ("1381234567", "应为 11 位数字，当前为 10 位"),
        ("4228486", "缺少区号"),
        ("0356-0228486", "不以 0、1 开头"),
        ("035-4228486", "03–09 开头的区号为 4 位"),
        ("0356-42a8486", "只能包含数字"),
        ("", "为空"),
        ("0", "区号“0”无效"),  # a lone 0 used to raise IndexError (a 500 at the intake window)
        ("01", "区号“01”无效"),
        ("-0", "区号“”无效"),
    ],
)
def test_invalid_phones_say_what_is_wrong(value, message):
    check = validate_phone(value)
    assert not check.valid
    assert message in check.message


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789-—（）() +#x转８６\u3000a"), max_size=16) | st.text(max_size=12))
def test_any_phone_text_gets_an_answer_not_an_error(value):
    check = validate_phone(value)
    assert check.message and (check.valid or check.normalized is None or isinstance(check.normalized, str))


#: Digits that look like an ID number or a credit code, near-misses included (a 0 month, a 9 region…).
_ID_LIKE = st.text(alphabet=st.sampled_from("0123456789XxＸ０１９ -"), min_size=0, max_size=20)
_CODE_LIKE = st.text(alphabet=st.sampled_from("0123456789ABCDEFGHJKLMNPQRTUWXYZIOSVabc -"), min_size=0, max_size=20)


@st.composite
def _id_shaped(draw):
    """Region, birth date (month and day up to 39, so invalid dates too), sequence, check: the
    check character right or wrong, so that every branch of the validator is reached."""
    region = draw(st.sampled_from(["140522", "110101", "140500", "000000", "990000", "710000"]))
    birth = f"{draw(st.integers(1850, 2035)):04d}{draw(st.integers(0, 13)):02d}{draw(st.integers(0, 39)):02d}"
    first17 = region + birth + f"{draw(st.integers(0, 999)):03d}"
    check = id_check_char(first17) if draw(st.booleans()) else draw(st.sampled_from("0123456789Xx"))
    return first17 + check


@settings(max_examples=400, deadline=None)
@given(_id_shaped() | _ID_LIKE | st.text(max_size=20), st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)))
def test_any_id_text_gets_an_answer_not_an_error(value, today):
    check = validate_id_number(value, today=today)
    assert check.message
    if check.valid:
        assert len(check.normalized) == 18 and check.normalized[-1] == id_check_char(check.normalized[:17])


@settings(max_examples=400, deadline=None)
@given(_CODE_LIKE | st.text(max_size=20))
def test_any_credit_code_text_gets_an_answer_not_an_error(value):
    check = validate_credit_code(value)
    assert check.message
    if check.valid:
        assert len(check.normalized) == 18
