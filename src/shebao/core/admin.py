"""What the admin pages share (the core context registers no model here): lookups that cannot break them,
and none that rebuild personal data.

Django's admin filters a change list by any lookup on the model's own fields given in the query
string (``?applicant_name=张三``, ``?applicant_id__startswith=1405…``), whether or not the page
offers it: one character at a time that rebuilds a masked name or ID number and says whether a
person has a case. :class:`DeclaredLookupsOnly` lets through only what the page itself offers.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path

#: The query-string lookups Django's list filters make for a field path (``status__exact``,
#: ``received_at__gte`` / ``__lt``, ``tolerance__isnull``, ``…__isempty``; a field's own name for
#: the all-values filter). A relation's filter adds ``<path>__<target field>__exact``.
FILTER_SUFFIXES = ("", "__exact", "__isnull", "__gte", "__lt", "__isempty")
DATE_HIERARCHY_SUFFIXES = ("__year", "__month", "__day")


def declared_lookups(model_admin: admin.ModelAdmin, request) -> set[str]:
    """The lookups the change list's own ``list_filter`` and ``date_hierarchy`` make."""
    allowed: set[str] = set()
    for item in model_admin.get_list_filter(request):
        if isinstance(item, type) and issubclass(item, admin.SimpleListFilter):
            allowed.add(item.parameter_name)
            continue
        path = item[0] if isinstance(item, (list, tuple)) else item
        allowed.update(path + suffix for suffix in FILTER_SUFFIXES)
        field = get_fields_from_path(model_admin.model, path)[-1]
        if field.is_relation and getattr(field, "target_field", None) is not None:
            allowed.add(f"{path}__{field.target_field.name}__exact")
    if model_admin.date_hierarchy:
        allowed.update(model_admin.date_hierarchy + suffix for suffix in DATE_HIERARCHY_SUFFIXES)
    return allowed


def overflows(value) -> bool:
    """A number no database integer holds (more than 64 bits): compared with an id, ``?county=
    99999999999999999999`` overflows the database driver, a 500 instead of an answer."""
    for v in value if isinstance(value, (list, tuple)) else [value]:
        try:
            number = int(str(v).strip())
        except ValueError:
            continue  # not a number at all: Django's own check of the value says so
        if not -(2**63) <= number < 2**63:
            return True
    return False


admin.site.site_header = "社保办事通 · 系统管理"
admin.site.site_title = "社保办事通 系统管理"
admin.site.index_title = "系统管理"


class BoundedLookupValues:
    """Every lookup Django's admin allows, but never with a number too large for the database:
    that page is refused (400, ``DisallowedModelAdminLookup``)."""

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        return not overflows(value) and super().lookup_allowed(lookup, value, request)


class DeclaredLookupsOnly:
    """Only the lookups the change list offers (its filters, its date hierarchy) may filter it.

    Any other lookup in the query string — a personal field, a field reached through a relation —
    makes Django refuse the page (400, ``DisallowedModelAdminLookup``) instead of filtering, as
    does a number too large for the database (:func:`overflows`). The
    search box (``?q=``) is not a lookup: what it searches is ``search_fields``, which on these
    pages holds no personal field.
    """

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        return lookup in declared_lookups(self, request) and not overflows(value)
