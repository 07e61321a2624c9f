"""The app under benchmark: the real app plus two reference endpoints on the same server.

`/bench/bare` answers an empty TwiML document and touches nothing: the reference the real
webhook's throughput is compared with (same process, same gunicorn, same run).
`/bench/store` is the floor of any webhook that keeps the promise "stored before answered":
it checks the Twilio signature (as the webhook does), INSERTs the MessageSid and body durably, as
the webhook writes a plain text (a table of its own), and answers empty TwiML. No lookup, no
decision, no ORM.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, Response, abort, request

from support_hub import create_app, transactions
from support_hub.db import begin_write
from support_hub.extensions import csrf, db
from support_hub.sms.webhook import signed_by_twilio, signed_url, validator_for
from support_hub.transactions import begins_its_own_writes

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'
STORED = sa.Table(
    "bench_stored_text",
    sa.MetaData(),
    sa.Column("message_sid", sa.String(64), primary_key=True),
    sa.Column("body", sa.Text, nullable=False),
)


def create() -> Flask:
    # Started with the repository's gunicorn.conf.py, as the Procfile's `web` is: each worker
    # builds the offline gazetteer before its first request.
    app = create_app()

    @app.post("/bench/bare")
    def bare() -> Response:
        return Response(EMPTY_TWIML, mimetype="text/xml")

    settings = app.extensions["support_hub.settings"]
    validator = validator_for(settings.twilio_auth_token)
    with app.app_context():
        STORED.create(db.engine, checkfirst=True)

    @app.post("/bench/store")
    @begins_its_own_writes  # as the webhook: the signature check before SQLite's write lock
    def store() -> Response:
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signed_by_twilio(validator, signed_url(settings), signature):  # as the webhook
            abort(403)
        # As the webhook stores a plain text: on PostgreSQL one INSERT that commits on its own (one
        # round trip); on SQLite BEGIN IMMEDIATE, INSERT, COMMIT.
        if transactions.reads_then_writes(db.session):
            transactions.write_one_statement(db.session)
        else:
            begin_write(db.session)
        db.session.execute(
            STORED.insert(),
            {"message_sid": request.form["MessageSid"], "body": request.form["Body"]},
        )
        db.session.commit()
        return Response(EMPTY_TWIML, mimetype="text/xml")

    # Posted without a CSRF token, like Twilio's webhook (which the app exempts).
    csrf.exempt(bare)
    csrf.exempt(store)
    return app
