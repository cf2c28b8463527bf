"""Masks of personal data (shebao.domain.privacy): what lists and logs show instead."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shebao.domain.privacy import mask_id_number, mask_name, mask_phone


@pytest.mark.parametrize(("value", "masked"), [
    ("140522199001011234", "1405**********1234"), ("14052219900101123X", "1405**********123X"),
    ("12345678", "1*******"), ("", ""), (None, ""),
])
def test_id_numbers_keep_only_the_first_and_last_four(value, masked):
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(("value", "masked"), [
    ("张三", "张*"), ("欧阳娜娜", "欧**娜"), ("王", "王"), (" 李四 ", "李*"), ("\u3000", ""), ("", ""), (None, ""),
])
def test_names_keep_the_first_and_last_character(value, masked):
    assert mask_name(value) == masked


@pytest.mark.parametrize(("value", "masked"), [
    ("13812345678", "138****5678"), ("4228486", "***8486"), ("110", "***"), ("", ""),
])
def test_phones_keep_the_last_four(value, masked):
    assert mask_phone(value) == masked


@given(st.text(max_size=30))
def test_a_mask_never_fails_and_never_shows_a_long_value_whole(value):
    for mask in (mask_id_number, mask_name, mask_phone):
        shown = mask(value)
        assert isinstance(shown, str)
        if len(value.strip()) >= 3:
            assert "*" in shown
