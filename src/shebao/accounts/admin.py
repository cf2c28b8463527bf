from django.contrib import admin

from shebao.accounts.models import ApiToken, StaffProfile
from shebao.core.admin import DeclaredLookupsOnly


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
