"""The hosting files every build writes from site.yml: security headers for Netlify and
Cloudflare Pages (`_headers`) and for nginx (`_nginx-headers.conf`), so that nobody edits a
policy by hand when the site moves to a sub-path or gets a sign-up form.

The policy lets a browser run nothing but the site's own files, even if something slipped into
the content; a form may post to the site itself (search) and, with `newsletter.signup`, to the
mailing tool's origin: nothing else.
"""
from __future__ import annotations

import re

from .registry import SiteConfig

HEADERS = "_headers"
NGINX = "_nginx-headers.conf"
EMAIL_BODY = "nieuwsbrief/*/nieuwsbrief.html"
# The newsletter's e-mail body, linked from its web version: e-mail needs its styles inline and
# its pictures are absolute URLs under base_url. Still no script at all.
EMAIL_POLICY = ("default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; img-src 'self' https:; "
                "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
OTHER_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Permissions-Policy", "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
                           "microphone=(), payment=(), usb=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000")


def site_policy(config: SiteConfig) -> str:
    """The default theme loads nothing from another host and uses no inline script or style and
    no data: images, so every source is the site itself."""
    form_action = "'self'"
    if config.signup is not None and config.signup.email_field:  # a link to the tool needs no form-action
        form_action += " " + config.signup.origin
    return (f"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; "
            f"base-uri 'self'; form-action {form_action}; frame-ancestors 'none'")


def _netlify(config: SiteConfig) -> str:
    base = config.base_path
    lines = [
        "# Security headers for Netlify and Cloudflare Pages, made by `wijknieuws build` from",
        "# content/site.yml: change site.yml, not this file (the next build writes it again).",
        f"{base}*",
        f"  Content-Security-Policy: {site_policy(config)}",
        *(f"  {name}: {value}" for name, value in (*OTHER_HEADERS, HSTS)),
        "",
        "# A host that sends both policies for the e-mail body enforces both: safe, but the e-mail then",
        "# shows without its styles (on Cloudflare Pages, `! Content-Security-Policy` as the first line",
        "# under the path drops the one above).",
        f"{base}{EMAIL_BODY}",
        f"  Content-Security-Policy: {EMAIL_POLICY}",
    ]
    return "\n".join(lines) + "\n"


def _nginx_headers(policy: str, indent: str = "") -> list[str]:
    # 'always' sends them with error pages (404.html) too
    return [f'{indent}add_header {name} "{value}" always;'
            for name, value in (("Content-Security-Policy", policy), *OTHER_HEADERS)]


def _nginx(config: SiteConfig) -> str:
    email = re.escape(config.base_path) + re.escape(EMAIL_BODY).replace(r"\*", "[^/]+")
    lines = [
        "# Security headers for nginx, made by `wijknieuws build` from content/site.yml: change",
        "# site.yml, not this file (the next build writes it again). Include it inside the",
        "# `server { ... }` (or `location ... { ... }`) block that serves the site:",
        "#",
        f"#     include /path/to/the/site/{NGINX};",
        "#",
        *_nginx_headers(site_policy(config)),
        "# Only where the site is served over HTTPS:",
        f'# add_header {HSTS[0]} "{HSTS[1]}" always;',
        "",
        "# An add_header inside a location replaces every inherited one, hence all of them again.",
        f"location ~ ^{email}$ {{",
        *_nginx_headers(EMAIL_POLICY, "    "),
        "}",
    ]
    return "\n".join(lines) + "\n"


def hosting_files(config: SiteConfig) -> list[tuple[str, bytes]]:
    return [(HEADERS, _netlify(config).encode()), (NGINX, _nginx(config).encode())]
