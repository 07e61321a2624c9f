"""support_hub: find support nearby and reach a person (see DESIGN.md).

`create_app` only wires: settings, extensions, blueprints, error handlers and CLI commands.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask

from support_hub import errors, health
from support_hub.config import Settings, instance_path, load_settings
from support_hub.db import configure_sqlite_engine
from support_hub.directory import cli as directory_cli
from support_hub.directory import hsds_api, hsds_cli
from support_hub.directory import views as directory_views
from support_hub.extensions import db, migrate
from support_hub.outbox import cli as outbox_cli


def create_app(overrides: Mapping[str, str] | None = None) -> Flask:
    """Build the app; `overrides` are configuration variables that win over the environment."""
    settings = load_settings(overrides)
    app = Flask(__name__, instance_path=str(instance_path(overrides)))
    app.config.from_mapping(settings.flask_config())
    app.extensions["support_hub.settings"] = settings

    db.init_app(app)
    with app.app_context():
        configure_sqlite_engine(db.engine)
    migrate.init_app(app, db, directory=_migrations_directory())

    errors.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(directory_views.bp)
    app.register_blueprint(hsds_api.bp)

    app.cli.add_command(directory_cli.seed_command)
    app.cli.add_command(directory_cli.bench_data_command)
    app.cli.add_command(outbox_cli.worker_command)
    app.cli.add_command(hsds_cli.hsds_group)
    return app


def get_settings(app: Flask) -> Settings:
    """The validated settings the app was built with."""
    settings: Settings = app.extensions["support_hub.settings"]
    return settings


def _migrations_directory() -> str:
    from pathlib import Path

    return str(Path(__file__).resolve().parents[2] / "migrations")
