from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from support_hub import create_app
from tests.conftest import settings_for_tests


def test_healthz_says_the_process_is_up(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_checks_the_database(client: FlaskClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


@pytest.mark.real_commits  # a second app: it must not borrow this test's open transaction
def test_readyz_is_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    # Port 1 on loopback refuses at once: a database that is down.
    unreachable = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    app = create_app(settings_for_tests(unreachable, tmp_path))
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": "unreachable"}


def test_unknown_api_route_is_a_json_404(client: FlaskClient) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"
    assert response.json["error"]["message"]


def test_unknown_page_is_a_friendly_404(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert b"Back to the start page" in response.data


def test_worker_command_runs(cli) -> None:
    result = cli.invoke(args=["worker", "--once"])
    assert result.exit_code == 0
    assert "drained 0 item(s)" in result.output


@pytest.mark.real_commits
@pytest.mark.parametrize(
    ("path", "json_body"),
    [
        ("/api/v1/services?near=02139", True),
        ("/hsds/services", True),
        ("/search?near=02139", False),
    ],
)
def test_a_database_outage_is_a_503_to_retry_not_a_500(
    path: str, json_body: bool, tmp_path: Path
) -> None:
    # Nothing listens on port 9: every query fails to connect, as while PostgreSQL restarts.
    broken = create_app(
        settings_for_tests("postgresql+psycopg://nobody@127.0.0.1:9/none", tmp_path)
    )
    response = broken.test_client().get(path)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    if json_body:
        assert response.get_json()["error"]["code"] == "service_unavailable"
    else:
        assert "try again shortly" in response.get_data(as_text=True)
