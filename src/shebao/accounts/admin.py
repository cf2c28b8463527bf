from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from shebao.accounts.models import ApiToken, StaffProfile
from shebao.core.admin import BoundedLookupValues, DeclaredLookupsOnly

# Django's own account pages, with filter values the database can hold (``?groups=999…9``
# overflowed SQLite's driver: a 500).
admin.site.unregister(get_user_model())
admin.site.unregister(Group)


@admin.register(get_user_model())
class AccountAdmin(BoundedLookupValues, UserAdmin):
    pass


@admin.register(Group)
class AccountGroupAdmin(BoundedLookupValues, GroupAdmin):
    pass


@admin.register(StaffProfile)
class StaffProfileAdmin(DeclaredLookupsOnly, admin.ModelAdmin):
    list_display = ("user", "display_name", "county", "department", "role")
    list_filter = ("county", "department", "role")


@admin.register(ApiToken)
class ApiTokenAdmin(DeclaredLookupsOnly, admin.ModelAdmin):
    """Tokens are listed and revoked here; they are made by ``shebao token create USER``, which
    shows the key once. An admin form would store a row without a key (nothing could use it) and a
    second one would collide on the empty hash. No query-string lookup filters the list (it has no
    filters): ``?key_hash=…`` would tell whether a token someone holds is valid."""

    list_display = ("user", "name", "prefix", "created_at", "last_used_at", "revoked")
    readonly_fields = ("key_hash", "prefix", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False
