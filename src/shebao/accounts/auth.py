"""Bearer-token authentication for the API (``Authorization: Bearer sb_…``)."""

from ninja.security import HttpBearer

from shebao.accounts.selectors import user_for_token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class SessionOrTokenAuth(TokenAuth):
    """Pages' htmx calls use the session; other clients the bearer token."""

    def __call__(self, request):
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            return request.user
        return super().__call__(request)
