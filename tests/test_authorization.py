"""Every route's access rule, checked from the URL map.

`ROUTE_ACCESS` names, for every endpoint, who may use it. The test walks `app.url_map`: a route
missing from the table fails the suite, so a new route cannot ship without a decision. Each
route is requested with every method it accepts, as an anonymous visitor and as each role:

- PUBLIC: nobody is turned away (no 401/403, no redirect to the login page);
- a set of roles: those roles get past the check; other roles get 403; an anonymous visitor is
  sent to the login page (or gets a JSON 401 under /api/ and /hsds).

To add a feature's routes, add one line per endpoint.
"""

from __future__ import annotations

from typing import Final

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from support_hub.accounts.models import Role
from tests.staff import make_user, open_session

PUBLIC: Final = "public"
STAFF = frozenset(Role)
LISTINGS = frozenset({Role.ADMIN, Role.COORDINATOR})
ADMIN = frozenset({Role.ADMIN})
INBOX = frozenset({Role.ADMIN, Role.RESPONDER})

ROUTE_ACCESS: dict[str, str | frozenset[Role]] = {
    # Public pages and probes.
    "static": PUBLIC,
    "directory.index": PUBLIC,
    "directory.search": PUBLIC,
    "directory.service_detail": PUBLIC,
    "directory_api.list_services": PUBLIC,
    "directory_api.get_service": PUBLIC,
    "directory_api.openapi": PUBLIC,
    "health.healthz": PUBLIC,
    "health.readyz": PUBLIC,
    "accounts.login": PUBLIC,
    "accounts.logout": PUBLIC,  # ending a session needs none; without one it does nothing
    # The Open Referral HSDS 3.0 API: public, like the directory it publishes.
    "hsds.api_info": PUBLIC,
    "hsds.organization": PUBLIC,
    "hsds.organizations": PUBLIC,
    "hsds.service": PUBLIC,
    "hsds.service_at_location": PUBLIC,
    "hsds.service_at_locations": PUBLIC,
    "hsds.services": PUBLIC,
    "hsds.taxonomies": PUBLIC,
    "hsds.taxonomy": PUBLIC,
    "hsds.taxonomy_term": PUBLIC,
    "hsds.taxonomy_terms": PUBLIC,
    # Twilio's webhooks: authenticated by X-Twilio-Signature (tests/sms), not a staff session.
    "sms_webhook.inbound": PUBLIC,
    "sms_webhook.status": PUBLIC,
    # The phone simulator exists only when APP_ENV is development or testing (tests/sms).
    "simulator.phone": PUBLIC,
    "simulator.choose_number": PUBLIC,
    "simulator.send": PUBLIC,
    "simulator.feed": PUBLIC,
    # Any staff member: their own account.
    "accounts.home": STAFF,
    "accounts.change_password": STAFF,
    # Admins: accounts and the audit trail.
    "accounts.users": ADMIN,
    "accounts.new_user": ADMIN,
    "accounts.edit_user": ADMIN,
    "accounts.disable_user": ADMIN,
    "accounts.enable_user": ADMIN,
    "accounts.reset_password": ADMIN,
    "accounts.audit_log": ADMIN,
    # Coordinators and admins: listings and bulk work.
    "portal.index": LISTINGS,
    "portal.reverify": LISTINGS,
    "portal.organizations": LISTINGS,
    "portal.new_organization": LISTINGS,
    "portal.edit_organization": LISTINGS,
    "portal.new_service": LISTINGS,
    "portal.edit_service": LISTINGS,
    "portal.service_detail": LISTINGS,
    "portal.verify_service": LISTINGS,
    "portal.archive_service": LISTINGS,
    "portal.unarchive_service": LISTINGS,
    "portal.new_location": LISTINGS,
    "portal.edit_location": LISTINGS,
    "portal.remove_location": LISTINGS,
    "portal.import_csv": LISTINGS,
    "portal.commit_import": LISTINGS,
    "portal.import_template": LISTINGS,
    "portal.export_csv": LISTINGS,
    "portal.import_hsds": LISTINGS,
    "portal.export_hsds": LISTINGS,
    # Responders and admins: the staff inbox (tests/inbox); admins keep the rota.
    "inbox.index": INBOX,
    "inbox.queue_rows": INBOX,
    "inbox.alert_detail": INBOX,
    "inbox.acknowledge": INBOX,
    "inbox.assign": INBOX,
    "inbox.reply": INBOX,
    "inbox.add_note": INBOX,
    "inbox.resolve": INBOX,
    "inbox.dashboard": INBOX,
    "inbox.rota": ADMIN,
    "inbox.add_shift": ADMIN,
    "inbox.remove_shift": ADMIN,
}

# Values for URL arguments: ids that exist nowhere (an allowed role then gets a 404 from the view,
# after the access check), and a real static file.
PLACEHOLDERS = {"filename": "site.css"}
NO_SUCH_ID = "00000000-0000-4000-8000-000000000000"


def url_for_rule(rule: Rule) -> str:
    url = rule.rule
    for argument in rule.arguments:
        for converter in ("", "string:", "path:", "int:", "uuid:"):
            url = url.replace(f"<{converter}{argument}>", PLACEHOLDERS.get(argument, NO_SUCH_ID))
    return url


def sent_to_login(response: TestResponse) -> bool:
    """The login wall's redirect (it carries ?next=; logout's own redirect to the form does not)."""
    location = response.headers.get("Location", "")
    return response.status_code == 302 and location.startswith("/account/login?next=")


def turned_away(response: TestResponse) -> bool:
    return response.status_code in (401, 403) or sent_to_login(response)


def test_every_route_has_an_access_rule(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - ROUTE_ACCESS.keys())
    stale = sorted(ROUTE_ACCESS.keys() - endpoints)
    assert missing == [], f"add these endpoints to ROUTE_ACCESS: {missing}"
    assert stale == [], f"these ROUTE_ACCESS entries match no route: {stale}"


def test_each_role_and_anonymous_get_what_the_table_says(app: Flask) -> None:
    users = {role: make_user(role, f"matrix-{role.value}@example.org") for role in Role}
    wrong: list[str] = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        access = ROUTE_ACCESS[rule.endpoint]
        url = url_for_rule(rule)
        json_api = url.startswith(("/api/", "/hsds"))
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            for role in [None, *Role]:
                client: FlaskClient = app.test_client()
                if role is not None:
                    open_session(client, users[role])
                response = client.open(url, method=method)
                response.close()
                who = role.value if role else "anonymous"
                if access == PUBLIC or (role is not None and role in access):
                    if turned_away(response):
                        wrong.append(
                            f"{method} {url} as {who}: turned away ({response.status_code})"
                        )
                elif role is None:
                    refused = response.status_code == 401 if json_api else sent_to_login(response)
                    if not refused:
                        wrong.append(f"{method} {url} as anonymous: got {response.status_code}")
                elif response.status_code != 403:
                    wrong.append(
                        f"{method} {url} as {who}: got {response.status_code}, expected 403"
                    )
    assert wrong == []
