"""support_hub: find support nearby and reach a person (see DESIGN.md).

`create_app` only wires: settings, extensions, blueprints, error handlers and CLI commands.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from support_hub import errors, health, i18n, security, transactions
from support_hub.accounts import auth as accounts_auth
from support_hub.accounts import cli as accounts_cli
from support_hub.accounts import views as accounts_views
from support_hub.checkins import cli as checkins_cli
from support_hub.checkins import tasks as checkins_tasks
from support_hub.config import Settings, instance_path, load_settings
from support_hub.db import configure_postgresql_engine, configure_sqlite_engine
from support_hub.directory import api as directory_api
from support_hub.directory import cli as directory_cli
from support_hub.directory import hsds_api, hsds_cli
from support_hub.directory import views as directory_views
from support_hub.extensions import csrf, db, migrate
from support_hub.inbox import tasks as inbox_tasks
from support_hub.inbox import views as inbox_views
from support_hub.outbox import cli as outbox_cli
from support_hub.outbox import worker as outbox_worker
from support_hub.portal import cli as portal_cli
from support_hub.portal import views as portal_views
from support_hub.sms import gateway as sms_gateway
from support_hub.sms import simulator as sms_simulator
from support_hub.sms import webhook as sms_webhook


def create_app(overrides: Mapping[str, str] | None = None) -> Flask:
    """Build the app; `overrides` are configuration variables that win over the environment."""
    settings = load_settings(overrides)
    app = Flask(__name__, instance_path=str(instance_path(overrides)))
    app.config.from_mapping(settings.flask_config())
    app.extensions["support_hub.settings"] = settings
    if settings.trusted_proxies:
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    db.init_app(app)
    with app.app_context():
        configure_sqlite_engine(db.engine)
        configure_postgresql_engine(db.engine)
    migrate.init_app(app, db, directory=_migrations_directory())
    transactions.init_app(app)
    csrf.init_app(app)
    accounts_auth.init_app(app)

    errors.init_app(app)
    security.init_app(app, settings)
    i18n.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(directory_views.bp)
    sms_gateway.init_app(app, settings)
    # Twilio cannot send a CSRF token; the webhook is authenticated by X-Twilio-Signature instead.
    csrf.exempt(sms_webhook.bp)
    app.register_blueprint(sms_webhook.bp)
    if settings.app_env in ("development", "testing"):
        app.register_blueprint(sms_simulator.bp)
    outbox_worker.register_task(app, "checkins", checkins_tasks.schedule_checkins)
    if settings.app_env == "development":
        outbox_worker.start_beside_dev_server(app)
    app.register_blueprint(directory_api.bp)
    app.register_blueprint(accounts_views.bp)
    app.register_blueprint(portal_views.bp)
    app.register_blueprint(hsds_api.bp)
    app.register_blueprint(inbox_views.bp)
    inbox_tasks.init_app(app)

    app.cli.add_command(directory_cli.seed_command)
    app.cli.add_command(directory_cli.bench_data_command)
    app.cli.add_command(outbox_cli.worker_command)
    app.cli.add_command(accounts_cli.users_group)
    app.cli.add_command(portal_cli.listings_group)
    app.cli.add_command(hsds_cli.hsds_group)
    app.cli.add_command(checkins_cli.checkins_group)
    return app


def get_settings(app: Flask) -> Settings:
    """The validated settings the app was built with."""
    settings: Settings = app.extensions["support_hub.settings"]
    return settings


def _migrations_directory() -> str:
    from pathlib import Path

    return str(Path(__file__).resolve().parents[2] / "migrations")
