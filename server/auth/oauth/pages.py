"""The few HTML pages of the login and consent flow: small, accessible, no external assets.

Form field names follow Oro's login form (``_username``, ``_password``, ``_csrf_token``,
``_target_path``). Every value is escaped; responses forbid framing and caching.
"""

from __future__ import annotations

from html import escape

from starlette.responses import HTMLResponse

__all__ = ["consent_page", "error_page", "html_response", "login_page", "signed_in_page"]

SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
    "frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
STYLE = (
    "body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;"
    "color:#1d1d1f}label{display:block;margin-top:1rem;font-weight:600}"
    "input{width:100%;padding:.5rem;box-sizing:border-box;font:inherit}"
    "button{margin:1.25rem .5rem 0 0;padding:.5rem 1.25rem;font:inherit}"
    ".error{color:#a40000;border-left:4px solid #a40000;padding-left:.75rem}"
)


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · Oro API Sandbox</title><style>{STYLE}</style></head>"
        f"<body><main><h1>{escape(title)}</h1>{body}</main></body></html>\n"
    )


def _error(message: str) -> str:
    return f'<p class="error" role="alert">{escape(message)}</p>' if message else ""


def _csrf(token: str) -> str:
    return f'<input type="hidden" name="_csrf_token" value="{escape(token)}">'


def login_page(
    *,
    target: str,
    csrf: str,
    username: str = "",
    error: str = "",
    app_name: str | None = None,
    action: str = "/login",
    username_label: str = "Username or email",
) -> str:
    intro = (
        f"<p>Sign in to continue to <strong>{escape(app_name)}</strong>.</p>" if app_name else ""
    )
    return _page(
        "Sign in",
        f'{intro}{_error(error)}<form method="post" action="{escape(action)}">{_csrf(csrf)}'
        f'<input type="hidden" name="_target_path" value="{escape(target)}">'
        f'<label for="username">{escape(username_label)}</label>'
        f'<input id="username" name="_username" value="{escape(username)}" '
        'autocomplete="username" required autofocus>'
        '<label for="password">Password</label>'
        '<input id="password" name="_password" type="password" '
        'autocomplete="current-password" required>'
        "<button type=submit>Sign in</button></form>",
    )


def consent_page(*, app_name: str, user_name: str, action: str, csrf: str) -> str:
    return _page(
        "Allow access?",
        f"<p><strong>{escape(app_name)}</strong> wants to access the Oro API as "
        f"<strong>{escape(user_name)}</strong>.</p>"
        f'<form method="post" action="{escape(action)}">{_csrf(csrf)}'
        '<button type=submit name="decision" value="allow">Allow</button>'
        '<button type=submit name="decision" value="deny">Deny</button></form>',
    )


def signed_in_page(*, user_name: str, csrf: str, logout: str = "/logout") -> str:
    return _page(
        "Signed in",
        f"<p>You are signed in as <strong>{escape(user_name)}</strong>.</p>"
        f'<form method="post" action="{escape(logout)}">{_csrf(csrf)}'
        "<button type=submit>Sign out</button></form>",
    )


def error_page(title: str, message: str) -> str:
    return _page(title, _error(message))


def html_response(
    html: str, status: int = 200, headers: dict[str, str] | None = None
) -> HTMLResponse:
    return HTMLResponse(html, status, {**SECURITY_HEADERS, **(headers or {})})
