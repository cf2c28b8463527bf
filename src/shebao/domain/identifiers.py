"""Validators for the identifiers applicants give: resident ID, unified social credit code, phone.

Each ``validate_*`` returns a :class:`Check` — ``valid``, a Chinese ``message`` naming exactly what
is wrong, the normalised value and details — and never raises for bad input.

* Resident ID (公民身份号码), GB 11643-1999: 6-digit address code, 8-digit birth date, 3-digit
  sequence (odd = male), check character by ISO 7064 MOD 11-2 with weights
  7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 and ``"10X98765432"[Σ mod 11]``. The 15-digit form of the
  first-generation cards (GB 11643-1989: YYMMDD birth date, no check character) is recognised
  and converted to 18 digits (century 19, check character computed).
* Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from
  ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (no I O Z S V), weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24
  10 30 28, check = charset[(31 − Σ mod 31) mod 31]; characters 3–8 are a 行政区划代码 (digits).
* Phone numbers: mainland mobile numbers (11 digits, 1[3-9]…, optional +86), fixed-line numbers
  with area code (010, 02X, 0XXX + 7–8 digits, optional extension; 《电信网编号计划》), and the
  public service numbers (12333 …).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Check:
    valid: bool
    message: str
    normalized: str = ""
    kind: str = ""
    details: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


# --------------------------------------------------------------------------------------------
# Resident ID
# --------------------------------------------------------------------------------------------

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"

#: GB/T 2260 province-level codes (first two digits), plus 71/81/82/83 (台湾、香港、澳门居民居住证
#: 及台湾地区代码) which appear on valid numbers too.
PROVINCES = {
    "11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古",
    "21": "辽宁", "22": "吉林", "23": "黑龙江",
    "31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建", "36": "江西", "37": "山东",
    "41": "河南", "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南",
    "50": "重庆", "51": "四川", "52": "贵州", "53": "云南", "54": "西藏",
    "61": "陕西", "62": "甘肃", "63": "青海", "64": "宁夏", "65": "新疆",
    "71": "台湾", "81": "香港", "82": "澳门", "83": "台湾（居住证）",
}  # fmt: skip

_FULLWIDTH = str.maketrans("０１２３４５６７８９ＸｘＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＸＹ", "0123456789XxABCDEFGHJKLMNPQRTUWXY")


def id_check_char(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def _clean(value: str | None) -> str:
    return re.sub(r"[\s\u3000-]", "", (value or "").translate(_FULLWIDTH))


def validate_id_number(value: str | None, *, today: dt.date | None = None) -> Check:
    """Validate a resident ID number (18 characters, or the legacy 15-digit form)."""
    today = today or dt.date.today()
    v = _clean(value).upper()
    if not v:
        return Check(False, "身份证号码为空。", kind="id_number")
    if len(v) == 15:
        return _validate_id15(v, today)
    if len(v) != 18:
        return Check(False, f"身份证号码应为 18 位，当前为 {len(v)} 位。", v, "id_number")
    if not v[:17].isdigit():
        bad = next(i + 1 for i, c in enumerate(v[:17]) if not c.isdigit())
        return Check(False, f"身份证号码前 17 位应全为数字，第 {bad} 位“{v[bad - 1]}”不是数字。", v, "id_number")
    if not (v[17].isdigit() or v[17] == "X"):
        return Check(False, f"身份证号码第 18 位（校验码）应为数字或 X，当前为“{v[17]}”。", v, "id_number")
    problem = _address_and_birth(v[:6], v[6:14], today)
    if isinstance(problem, str):
        return Check(False, problem, v, "id_number")
    birth = problem
    expected = id_check_char(v[:17])
    if v[17] != expected:
        return Check(
            False,
            f"身份证号码校验码错误：按前 17 位计算第 18 位应为“{expected}”，实际为“{v[17]}”，请核对是否有数字录错。",
            v,
            "id_number",
            {"expected_check": expected},
        )
    return Check(True, "身份证号码有效。", v, "id_number", _id_details(v[:6], birth, int(v[16])))


def _address_and_birth(address: str, birth: str, today: dt.date) -> dt.date | str:
    if address[:2] not in PROVINCES:
        return f"身份证号码前 2 位“{address[:2]}”不是有效的省级行政区划代码。"
    try:
        born = dt.date(int(birth[:4]), int(birth[4:6]), int(birth[6:8]))
    except ValueError:
        return f"身份证号码中的出生日期“{birth[:4]}-{birth[4:6]}-{birth[6:8]}”不是真实存在的日期。"
    if born > today:
        return f"身份证号码中的出生日期 {born.isoformat()} 晚于今天。"
    if born.year < 1890:
        return f"身份证号码中的出生日期 {born.isoformat()} 早于 1890 年，不可能有效。"
    return born


def _id_details(address: str, born: dt.date, sequence_digit: int) -> dict:
    return {
        "province": PROVINCES.get(address[:2], ""),
        "address_code": address,
        "birth_date": born.isoformat(),
        "sex": "male" if sequence_digit % 2 else "female",
        "sex_label": "男" if sequence_digit % 2 else "女",
    }


def _validate_id15(v: str, today: dt.date) -> Check:
    if not v.isdigit():
        return Check(False, "15 位（第一代）身份证号码应全为数字。", v, "id_number_legacy15")
    problem = _address_and_birth(v[:6], "19" + v[6:12], today)
    if isinstance(problem, str):
        return Check(False, problem.replace("身份证号码", "15 位身份证号码"), v, "id_number_legacy15")
    first17 = v[:6] + "19" + v[6:]
    upgraded = first17 + id_check_char(first17)
    details = _id_details(v[:6], problem, int(v[14]))
    details["upgraded"] = upgraded
    return Check(
        True,
        f"这是 15 位第一代身份证号码（已停止使用），格式有效；对应的 18 位号码为 {upgraded}，办理业务请使用 18 位号码。",
        v,
        "id_number_legacy15",
        details,
    )


def birth_date_from_id(value: str) -> dt.date | None:
    check = validate_id_number(value)
    if not check.valid:
        return None
    return dt.date.fromisoformat(check.details["birth_date"])


# --------------------------------------------------------------------------------------------
# Unified social credit code
# --------------------------------------------------------------------------------------------

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

#: 登记管理部门码 (first character), GB 32100-2015 表1 and later assignments.
USCC_REGISTRARS = {
    "1": "机构编制", "2": "外交", "3": "司法行政", "4": "文化", "5": "民政", "6": "旅游", "7": "宗教",
    "8": "工会", "9": "市场监督管理（工商）", "A": "中央军委改革和编制办公室", "N": "农业", "Y": "其他",
}  # fmt: skip


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def validate_credit_code(value: str | None) -> Check:
    """Validate a unified social credit code (GB 32100-2015)."""
    v = _clean(value).upper()
    if not v:
        return Check(False, "统一社会信用代码为空。", kind="credit_code")
    if len(v) != 18:
        return Check(False, f"统一社会信用代码应为 18 位，当前为 {len(v)} 位。", v, "credit_code")
    bad = [(i + 1, c) for i, c in enumerate(v) if c not in USCC_CHARS]
    if bad:
        pos, ch = bad[0]
        hint = "（代码中不使用字母 I、O、Z、S、V）" if ch in "IOZSV" else ""
        return Check(False, f"统一社会信用代码第 {pos} 位“{ch}”不是允许的字符{hint}。", v, "credit_code")
    if not v[2:8].isdigit():
        return Check(False, f"统一社会信用代码第 3–8 位应为 6 位数字的行政区划代码，当前为“{v[2:8]}”。", v, "credit_code")
    expected = uscc_check_char(v[:17])
    if v[17] != expected:
        return Check(
            False,
            f"统一社会信用代码校验码错误：按前 17 位计算第 18 位应为“{expected}”，实际为“{v[17]}”，请核对是否有字符录错。",
            v,
            "credit_code",
            {"expected_check": expected},
        )
    return Check(
        True,
        "统一社会信用代码有效。",
        v,
        "credit_code",
        {
            "registrar": USCC_REGISTRARS.get(v[0], "未知"),
            "region_code": v[2:8],
            "province": PROVINCES.get(v[2:4], ""),
            "organization_code": v[8:17],
        },
    )


# --------------------------------------------------------------------------------------------
# Phone numbers
# --------------------------------------------------------------------------------------------

_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_SERVICE_NUMBERS = {"12333": "人力资源社会保障服务热线", "12345": "政务服务便民热线", "110": "报警", "120": "急救"}


def validate_phone(value: str | None) -> Check:
    """A mainland mobile number, a fixed-line number with area code, or a public service number."""
    raw = (value or "").translate(_FULLWIDTH).strip()
    if not raw:
        return Check(False, "电话号码为空。", kind="phone")
    # Normalise the dashes the guide uses (0356—3201061, 0356 - 3201060) and brackets (0356)4228486.
    v = re.sub(r"[\s\u3000]", "", raw)
    v = re.sub(r"[—–－‐-]+", "-", v).replace("（", "(").replace("）", ")")
    v = re.sub(r"^\((0\d{2,3})\)", r"\1-", v)
    ext = ""
    m = re.search(r"(?:转|ext\.?|x|#)(\d{1,6})$", v, re.IGNORECASE)
    if m:
        ext, v = m.group(1), v[: m.start()].rstrip("-")
    if re.fullmatch(r"(?:\+|00)?86-?1\d{10}", v):
        v = v[-11:]
    if v in _SERVICE_NUMBERS:
        return Check(True, f"{v} 是{_SERVICE_NUMBERS[v]}。", v, "service", {"name": _SERVICE_NUMBERS[v]})
    digits = v.replace("-", "")
    if re.search(r"[^\d-]", v):
        return Check(False, "电话号码只能包含数字、连字符和分机号。", v, "phone")
    if digits.startswith("1"):
        if len(digits) != 11:
            return Check(False, f"手机号码应为 11 位数字，当前为 {len(digits)} 位。", digits, "mobile")
        if not _MOBILE_RE.match(digits):
            return Check(False, f"手机号码第 2 位应为 3–9，当前为“{digits[1]}”，不是有效的号段。", digits, "mobile")
        return Check(True, "手机号码有效。", digits, "mobile")
    if digits.startswith("0"):
        if "-" in v:
            area, _, local = v.partition("-")
            local = local.replace("-", "")
        else:
            area_len = 3 if digits[1:2] in ("1", "2") else 4
            area, local = digits[:area_len], digits[area_len:]
        if not re.fullmatch(r"0\d{2,3}", area):
            return Check(False, f"区号“{area}”无效，区号应为 0 开头的 3 或 4 位数字（如 0356）。", v, "landline")
        if area[1] in "12" and len(area) != 3:
            return Check(False, f"区号“{area}”无效：01、02 开头的区号为 3 位（如 010、020）。", v, "landline")
        if area[1] not in "12" and len(area) != 4:
            return Check(False, f"区号“{area}”无效：03–09 开头的区号为 4 位（如 0356）。", v, "landline")
        if not re.fullmatch(r"[2-9]\d{6,7}", local):
            return Check(
                False,
                f"本地号码“{local}”无效，固定电话本地号码应为 7 或 8 位且不以 0、1 开头。",
                v,
                "landline",
            )
        normalized = f"{area}-{local}" + (f"-{ext}" if ext else "")
        return Check(True, "固定电话号码有效。", normalized, "landline", {"area_code": area, "extension": ext})
    if re.fullmatch(r"[2-9]\d{6,7}", digits):
        return Check(False, "固定电话号码缺少区号，请加上区号（如 0356-4228486）。", digits, "landline")
    if re.fullmatch(r"[48]00\d{7}", digits):
        return Check(True, "400/800 企业服务号码。", digits, "service")
    return Check(False, "不是有效的手机号码或固定电话号码。", v, "phone")
