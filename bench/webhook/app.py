"""The app under benchmark: the real app plus a bare endpoint on the same server.

`/bench/bare` answers an empty TwiML document and touches nothing: the reference the real
webhook's throughput is compared with (same process, same gunicorn, same run).
"""

from __future__ import annotations

from flask import Flask, Response

from support_hub import create_app
from support_hub.extensions import csrf

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'


def create() -> Flask:
    # Started with the repository's gunicorn.conf.py, as the Procfile's `web` is: each worker
    # builds the offline gazetteer before its first request.
    app = create_app()

    @app.post("/bench/bare")
    def bare() -> Response:
        return Response(EMPTY_TWIML, mimetype="text/xml")

    # Posted without a CSRF token, like Twilio's webhook (which the app exempts).
    csrf.exempt(bare)
    return app
