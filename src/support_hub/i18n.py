"""The page language: `?lang=` first, then the browser's Accept-Language (English, Spanish)."""

from __future__ import annotations

from flask import Flask, has_request_context, request

from support_hub.extensions import babel

LANGUAGES = ("en", "es")


def select_locale() -> str:
    """The page language for this request."""
    if not has_request_context():
        return "en"
    asked = (request.args.get("lang") or "").strip().lower()
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(LANGUAGES) or "en"


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def page_language() -> dict[str, str]:
        # base.html sets <html lang>; links keep ?lang= so a choice sticks without a cookie.
        return {"lang": select_locale(), "languages": ",".join(LANGUAGES)}
