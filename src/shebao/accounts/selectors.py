"""Reads of staff accounts and tokens."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from shebao.accounts.models import ApiToken, StaffProfile
from shebao.accounts.services import hash_token

_select_lists: dict[tuple, tuple[list[str], str, list[tuple]]] = {}


def _select_list(model, alias: str) -> tuple[list[str], str, list[tuple]]:
    """Attribute names, SQL column list and the converters of the columns that have any, as a
    queryset would use them: (column position, column, converter functions)."""
    key = (model, alias, connection.vendor)
    if key not in _select_lists:
        _select_lists[key] = _build_select_list(model, alias)
    return _select_lists[key]


def _build_select_list(model, alias: str) -> tuple[list[str], str, list[tuple]]:
    fields = model._meta.concrete_fields
    quote = connection.ops.quote_name
    converters = []
    for i, field in enumerate(fields):
        col = field.get_col(alias)
        funcs = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if funcs:
            converters.append((i, col, funcs))
    return [f.attname for f in fields], ", ".join(f"{alias}.{quote(f.column)}" for f in fields), converters


def _from_row(model, attnames: list[str], converters: list[tuple], values):
    converted = list(values)
    for i, col, funcs in converters:
        value = converted[i]
        for func in funcs:
            value = func(value, col, connection)
        converted[i] = value
    return model.from_db(connection.alias, attnames, converted)


def user_for_token(token: str):
    """The active user holding an unrevoked token (with their staff profile loaded), or ``None``.

    Runs on every API request, so it is one hand-written join instead of an ORM query whose
    building costs several times its execution; the user and profile rows become model instances
    through ``Model.from_db`` with the backend's converters, exactly as a queryset would make them.
    Of the token only its key and last-used stamp are read.
    """
    user_model = get_user_model()
    user_names, user_sql, user_conv = _select_list(user_model, "u")
    profile_names, profile_sql, profile_conv = _select_list(StaffProfile, "p")
    sql = (
        f"SELECT t.id, t.last_used_at, {user_sql}, {profile_sql}"
        f" FROM {ApiToken._meta.db_table} t"
        f" JOIN {user_model._meta.db_table} u ON u.id = t.user_id"
        f" LEFT JOIN {StaffProfile._meta.db_table} p ON p.user_id = u.id"
        f" WHERE t.key_hash = %s AND t.revoked = %s AND u.is_active = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [hash_token(token), False, True])
        row = cursor.fetchone()
    if row is None:
        return None
    n_user = len(user_names)
    user = _from_row(user_model, user_names, user_conv, row[2 : 2 + n_user])
    if row[2 + n_user] is not None:
        profile = _from_row(StaffProfile, profile_names, profile_conv, row[2 + n_user :])
        profile._state.fields_cache["user"] = user
        user._state.fields_cache["staff_profile"] = profile
    # A coarse last-used stamp; one write per token per minute at most.
    now = timezone.now()
    last_used = _last_used(row[1])
    if last_used is None or (now - last_used).total_seconds() > 60:
        ApiToken.objects.filter(pk=row[0]).update(last_used_at=now)
    return user


_last_used_converters: dict[str, tuple] = {}


def _last_used(value):
    if connection.vendor not in _last_used_converters:
        col = ApiToken._meta.get_field("last_used_at").get_col("t")
        _last_used_converters[connection.vendor] = (
            col, connection.ops.get_db_converters(col) + col.get_db_converters(connection))
    col, funcs = _last_used_converters[connection.vendor]
    for func in funcs:
        value = func(value, col, connection)
    return value


def profile_of(user) -> StaffProfile | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.staff_profile
    except StaffProfile.DoesNotExist:
        return None
