"""Middleware: a strict Content-Security-Policy on every response; malformed Content-Length
refused, and a Content-Type charset that is no text encoding ignored; JSON for every error under
/api/.

CSP: everything the app serves comes from its own origin: no inline script, no CDN. The admin
needs inline styles in a few places, so `style-src` allows them only under /admin/. A page with
the policy editor (CodeMirror, which mounts its stylesheet in a <style> element) asks for a style
nonce, `request.csp_style_nonce`: only that response's `style-src` names it. Scripts never get one.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse

from srm_trainer.kept_urls import links_read_once, links_resolved
from srm_trainer.versioned_cache import versions_read_once

_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
_ADMIN_POLICY = _POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


class StyleNonce:
    """A per-response nonce for <style> elements, made only when a template uses it, so pages
    without the policy editor keep the plain policy."""

    def __init__(self) -> None:
        self.value = ""

    def __str__(self) -> str:
        if not self.value:
            self.value = secrets.token_urlsafe(18)
        return self.value


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = StyleNonce()
        request.csp_style_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            admin = request.path_info.startswith("/admin/")  # `path` holds a script prefix
            policy = _ADMIN_POLICY if admin else _POLICY
            if nonce.value and not admin:
                policy = policy.replace(
                    "style-src 'self'", f"style-src 'self' 'nonce-{nonce.value}'"
                )
            response["Content-Security-Policy"] = policy
        return response


class VersionsReadOnceMiddleware:
    """What a request reads once: the kept values' versions (`srm_trainer.versioned_cache`),
    all in one cache read when the first is needed; and the script prefix and URLconf that
    kept links and drawings are keyed by (`srm_trainer.kept_urls.links`), once its URL is
    resolved (Django sets a URLconf a middleware chose for the request only then)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with versions_read_once(), links_read_once():
            return self.get_response(request)

    def process_view(self, request: HttpRequest, view, args, kwargs) -> None:
        links_resolved()


def _is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


class HeadWithoutBodyMiddleware:
    """A HEAD request's answer without its body (its headers, Content-Length included, as
    GET's). Django leaves that to the server: runserver and the test client drop it, gunicorn
    drops it too but logs a warning for each ("WSGI app sent body bytes on a no-body response
    (method=HEAD ...)"), so every uptime monitor's HEAD probe of a page or of /healthz was a
    WARNING line in the production log. First in MIDDLEWARE: it sees the final answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.method == "HEAD":
            if isinstance(response, StreamingHttpResponse):  # FileResponse too
                response.streaming_content = []
            else:
                response.content = b""
        return response


class ContentLengthMiddleware:
    """Refuse a `Content-Length` that is not a plain number, before anything reads the body.

    Django's own `request.body` and the views' size checks call `int()` on the header, so
    `Content-Length: abc` (which gunicorn refuses but other servers pass on) would be a 500.
    Eighteen digits are more than any body this app takes and always fit an integer.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        value = request.META.get("CONTENT_LENGTH")
        if value and not (len(value) <= 18 and value.isascii() and value.isdigit()):
            return HttpResponse(
                "The Content-Length header must be a whole number of bytes.",
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


# Bytes on which a codec that cannot read text fails other than by UnicodeDecodeError: a label
# over 63 characters and an empty one (idna), a byte no ASCII text holds (punycode).
_PROBES = (b"a" * 64, b"a..b", b"\xff", b"\\x", b"+-")


def reads_text(name: str) -> bool:
    """Whether Django can decode request text with the codec `name`, where bad bytes fail only
    with UnicodeDecodeError (which it catches). Python's registry also holds codecs that raise
    LookupError on bytes (`hex`, `zlib`, `rot13`, `base64`) or UnicodeError (`idna`,
    `punycode`, `undefined`)."""
    for probe in _PROBES:
        for errors in ("strict", "replace"):
            try:
                probe.decode(name, errors)
            except UnicodeDecodeError:
                pass
            except (LookupError, ValueError):
                return False
    return True


class CharsetMiddleware:
    """Read a request whose Content-Type names a codec that cannot read text (`reads_text`) as
    UTF-8, as Django reads one whose name it does not know, before anything reads the query or
    the body.

    Django keeps any charset `codecs.lookup` finds, and decodes the query string and a multipart
    form's field names with it: `Content-Type: text/plain; charset=rot13` on a GET, or on any
    form post (the CSRF check reads the form), raised LookupError (UnicodeError for `idna`), a
    500 on every page. A urlencoded form in another text encoding is still refused by Django
    (400).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.encoding and not reads_text(request.encoding):
            request.encoding = settings.DEFAULT_CHARSET
        return self.get_response(request)


_API_ERRORS = {
    400: ("bad_request", "The request is malformed."),
    403: ("forbidden", "This request is not allowed."),
    404: ("not_found", "There is no API endpoint at this address."),
    405: ("method_not_allowed", "This endpoint does not take that method."),
    413: ("body_too_large", "The request body is too large."),
    429: ("rate_limited", "Too many requests; wait and try again."),
    500: ("server_error", "Something went wrong on our side. It has been logged."),
    503: ("unavailable", "The service is briefly unavailable; try again in a minute."),
}


class ApiJsonErrorsMiddleware:
    """Under /api/, every error is JSON: `{"error": {"code", "message"}}` with the same status.

    Views answer their own errors in JSON already; this catches the rest: a URL that does not
    exist (404), a wrong method (405), a CSRF or host refusal, a malformed header, and an
    unhandled exception (Django logs it and renders 500.html, which becomes JSON here). It is
    first in MIDDLEWARE so it sees every response. Headers such as `Allow` and `Retry-After`
    are kept.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not _is_api(request)
            or response.status_code < 400
            or response.streaming
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        code, message = _API_ERRORS.get(response.status_code, ("error", "The request failed."))
        if response.status_code == 405 and response.get("Allow"):
            message = f"This endpoint takes {response['Allow']} only."
        elif response.get("Content-Type", "").startswith("text/plain") and response.content:
            message = response.content.decode("utf-8", "replace")[:300]
        converted = JsonResponse(
            {"error": {"code": code, "message": message}}, status=response.status_code
        )
        for header, value in response.headers.items():
            if header.lower() not in ("content-type", "content-length"):
                converted[header] = value
        converted.cookies = response.cookies
        # Django logs an error answer once; the JSON copy would have been logged again.
        converted._has_been_logged = getattr(response, "_has_been_logged", False)  # type: ignore[attr-defined]  # noqa: SLF001
        return converted
