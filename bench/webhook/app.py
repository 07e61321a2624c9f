"""The app under benchmark: the real app plus a bare endpoint on the same server.

`/bench/bare` answers an empty TwiML document and touches nothing: the reference the real
webhook's throughput is compared with (same process, same gunicorn, same run).
"""

from __future__ import annotations

from flask import Flask, Response

from support_hub import create_app
from support_hub.directory.geocode import gazetteer
from support_hub.extensions import csrf

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'


def create() -> Flask:
    app = create_app()
    # Build the offline gazetteer (about 3 s) before gunicorn forks (--preload), as a
    # production deployment that preloads would; otherwise each worker's first text pays it.
    gazetteer()

    @app.post("/bench/bare")
    def bare() -> Response:
        return Response(EMPTY_TWIML, mimetype="text/xml")

    # Posted without a CSRF token, like Twilio's webhook (which the app exempts).
    csrf.exempt(bare)
    return app
