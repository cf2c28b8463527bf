"""Masking of personal data for lists and logs.

《中华人民共和国个人信息保护法》 treats ID numbers, names and phone numbers as personal
information: outside the case page they are shown masked, e.g. ``1401**********123X``.
"""

from __future__ import annotations


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    v = value.strip()
    if len(v) <= 8:
        return v[:1] + "*" * (len(v) - 1)
    return v[:4] + "*" * (len(v) - 8) + v[-4:]


def mask_name(value: str | None) -> str:
    if not value:
        return ""
    v = value.strip()
    if len(v) <= 1:  # blank after strip (a full-width space) or one character
        return v
    if len(v) == 2:
        return v[0] + "*"
    return v[0] + "*" * (len(v) - 2) + v[-1]


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    v = value.strip()
    if len(v) >= 11:
        return v[:3] + "****" + v[-4:]
    if len(v) > 4:
        return "*" * (len(v) - 4) + v[-4:]
    return "*" * len(v)


class MaskedApplicant:
    """The masked applicant of a record with ``applicant_kind``, ``applicant_name``, ``applicant_id``
    and ``phone`` (a case, a 一件事 bundle): a unit's name is public, a person's is masked."""

    applicant_kind: str
    applicant_name: str
    applicant_id: str
    phone: str

    @property
    def masked_applicant_name(self) -> str:
        return self.applicant_name if self.applicant_kind == "unit" else mask_name(self.applicant_name)

    @property
    def masked_applicant_id(self) -> str:
        return mask_id_number(self.applicant_id)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)
