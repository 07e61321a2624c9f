"""`/inbox`: the staff inbox for responders and admins (DESIGN §7).

Every page that shows personal data writes an audit event; every action is a service call that
writes its own. The queue's live refresh (`/inbox/queue`, polled by static/inbox/queue.js) is
not audited on every poll: it shows only what the audited queue page shows (levels, ages, the
last four digits of a number), never a message or a whole number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from support_hub.accounts.auth import clock, current_actor, roles_required, staff_user
from support_hub.accounts.models import Role
from support_hub.inbox import services
from support_hub.inbox.forms import (
    ActionForm,
    AssignForm,
    NoteForm,
    ReplyForm,
    ResolveForm,
    ShiftForm,
)
from support_hub.inbox.models import Alert, AlertStatus, Outcome
from support_hub.sms.consent import may_answer
from support_hub.validation import ValidationFailed

bp = Blueprint("inbox", __name__, url_prefix="/inbox")

inbox_staff = roles_required(Role.RESPONDER, Role.ADMIN)
admins = roles_required(Role.ADMIN)


def _alert_or_404(alert_id: str) -> Alert:
    alert = services.get_alert(alert_id)
    if alert is None:
        abort(404)
    return alert


def _criteria() -> services.QueueFilter:
    status = request.args.get("status", "active")
    return services.QueueFilter(
        level=request.args.get("level", ""),
        status=status if status in services.STATUS_FILTERS else "active",
        mine_user_id=staff_user().id if request.args.get("mine") == "1" else None,
    )


def _queue_context() -> dict[str, object]:
    criteria = _criteria()
    return {
        "alerts": services.list_alerts(criteria),
        "criteria": criteria,
        "now": clock(),
        "statuses": services.STATUS_FILTERS,
    }


@bp.get("/")
@inbox_staff
def index() -> str:
    """The queue: urgent first, then elevated, then routine; oldest first within a level."""
    context = _queue_context()
    services.record_view(current_actor(), "inbox.queue.viewed", now=clock())
    return render_template("inbox/queue.html", **context)


@bp.get("/queue")
@inbox_staff
def queue_rows() -> str:
    """The queue's rows only, for the page's live refresh."""
    return render_template("inbox/_queue_rows.html", **_queue_context())


@dataclass(frozen=True)
class Chart:
    """A server-drawn line chart of scores (0-10) over time, as SVG coordinates."""

    width: int
    height: int
    points: list[tuple[float, float, int, str]]  # x, y, score, label

    @property
    def polyline(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in self.points)


def _chart(scores: list[tuple[datetime, int]], width: int = 560, height: int = 180) -> Chart:
    if not scores:
        return Chart(width, height, [])
    pad = 30
    first, last = scores[0][0], scores[-1][0]
    span = max((last - first).total_seconds(), 1.0)
    points = []
    for at, score in scores:
        x = pad + (width - 2 * pad) * (
            (at - first).total_seconds() / span if len(scores) > 1 else 0.5
        )
        y = height - pad - (height - 2 * pad) * score / 10
        points.append((x, y, score, at.strftime("%Y-%m-%d %H:%M UTC")))
    return Chart(width, height, points)


@bp.get("/alerts/<alert_id>")
@inbox_staff
def alert_detail(alert_id: str) -> str:
    """One alert: the whole conversation, scores over time, consent history, notes, actions."""
    alert = _alert_or_404(alert_id)
    now = clock()
    person = alert.person
    assign_form = AssignForm(data={"assignee": alert.assigned_to_id or ""})
    assign_form.assignee.choices = [("", "Choose…")] + [
        (user.id, f"{user.name or user.email} ({user.role.label})")
        for user in services.responders()
    ]
    context = {
        "alert": alert,
        "person": person,
        "lines": services.conversation(person),
        "chart": _chart(services.scores(person)),
        "consent": services.consent_history(person),
        "others": services.other_alerts(alert),
        "may_answer": may_answer(person, now),
        "action_form": ActionForm(),
        "assign_form": assign_form,
        "reply_form": ReplyForm(),
        "note_form": NoteForm(),
        "resolve_form": ResolveForm(),
        "now": now,
        "outcomes": Outcome,
        "statuses": AlertStatus,
    }
    services.record_view(current_actor(), "inbox.alert.viewed", alert=alert, now=now)
    return render_template("inbox/alert.html", **context)


def _checked(form: object) -> None:
    if not form.validate_on_submit():  # type: ignore[attr-defined]
        abort(400, "The form expired or was incomplete; reload the page and try again.")


def _back(alert: Alert) -> BaseResponse:
    return redirect(url_for("inbox.alert_detail", alert_id=alert.id), code=303)


def _refused(alert: Alert, exc: ValidationFailed) -> BaseResponse:
    for messages in exc.errors.values():
        for message in messages:
            flash(message, "error")
    return _back(alert)


@bp.post("/alerts/<alert_id>/acknowledge")
@inbox_staff
def acknowledge(alert_id: str) -> BaseResponse:
    """Take the alert: stops the escalation pages."""
    alert = _alert_or_404(alert_id)
    _checked(ActionForm())
    try:
        services.acknowledge(alert, user=staff_user(), actor=current_actor(), now=clock())
    except ValidationFailed as exc:
        return _refused(alert, exc)
    flash("Acknowledged: the alert is yours.", "info")
    return _back(alert)


@bp.post("/alerts/<alert_id>/assign")
@inbox_staff
def assign(alert_id: str) -> BaseResponse:
    """Give the alert to a responder or admin."""
    alert = _alert_or_404(alert_id)
    form = AssignForm()
    _checked(form)
    try:
        services.assign(alert, form.assignee.data or "", actor=current_actor(), now=clock())
    except ValidationFailed as exc:
        return _refused(alert, exc)
    flash("Assigned.", "info")
    return _back(alert)


@bp.post("/alerts/<alert_id>/reply")
@inbox_staff
def reply(alert_id: str) -> BaseResponse:
    """Text the person from the hub's number (through the outbox)."""
    alert = _alert_or_404(alert_id)
    form = ReplyForm()
    _checked(form)
    hub = current_app.extensions["support_hub.settings"].hub_name
    try:
        replied = services.reply(
            alert,
            form.body.data or "",
            token=form.token.data or "",
            user=staff_user(),
            actor=current_actor(),
            now=clock(),
            hub=hub,
        )
    except ValidationFailed as exc:
        return _refused(alert, exc)
    if replied.already_sent:
        flash(
            "This reply was already sent (the form was sent twice); it was not sent again.", "info"
        )
    else:
        flash("Reply queued; its delivery status shows in the conversation.", "info")
    return _back(alert)


@bp.post("/alerts/<alert_id>/notes")
@inbox_staff
def add_note(alert_id: str) -> BaseResponse:
    """Add a staff note."""
    alert = _alert_or_404(alert_id)
    form = NoteForm()
    _checked(form)
    try:
        _, added = services.add_note(
            alert,
            form.note.data or "",
            token=form.token.data or "",
            user=staff_user(),
            actor=current_actor(),
            now=clock(),
        )
    except ValidationFailed as exc:
        return _refused(alert, exc)
    flash(
        "Note added." if added else "This note was already added (the form was sent twice).", "info"
    )
    return _back(alert)


@bp.post("/alerts/<alert_id>/resolve")
@inbox_staff
def resolve(alert_id: str) -> BaseResponse:
    """Close the alert with an outcome and a note."""
    alert = _alert_or_404(alert_id)
    form = ResolveForm()
    _checked(form)
    try:
        services.resolve(
            alert,
            form.outcome.data or "",
            form.note.data or "",
            user=staff_user(),
            actor=current_actor(),
            now=clock(),
        )
    except ValidationFailed as exc:
        return _refused(alert, exc)
    flash("Resolved.", "info")
    return _back(alert)


@bp.get("/dashboard")
@inbox_staff
def dashboard() -> str:
    """Alerts of the last 30 days: counts, time to acknowledge and to resolve (median, p90)."""
    now = clock()
    data = services.dashboard(now)
    services.record_view(current_actor(), "inbox.dashboard.viewed", now=now)
    return render_template("inbox/dashboard.html", data=data)


def _shift_form() -> ShiftForm:
    form = ShiftForm()
    form.user_id.choices = [("", "Choose…")] + [
        (user.id, f"{user.name or user.email}{'' if user.phone else ' (no phone)'}")
        for user in services.responders()
    ]
    return form


@bp.get("/rota")
@admins
def rota() -> str:
    """The on-call rota (admins)."""
    services.record_view(current_actor(), "inbox.rota.viewed", now=clock())
    return render_template(
        "inbox/rota.html",
        shifts=services.list_shifts(),
        form=_shift_form(),
        action_form=ActionForm(),
    )


@bp.post("/rota")
@admins
def add_shift() -> BaseResponse | tuple[str, int]:
    """Add a rota slot."""
    form = _shift_form()
    _checked(form)
    try:
        services.add_shift(
            user_id=form.user_id.data or "",
            tier=form.tier.data or "",
            weekday=form.weekday.data or "",
            start_hour=form.start_hour.data or "",
            end_hour=form.end_hour.data or "",
            actor=current_actor(),
            now=clock(),
        )
    except ValidationFailed as exc:
        for name, messages in exc.errors.items():
            getattr(form, name).errors = messages
        return render_template(
            "inbox/rota.html", shifts=services.list_shifts(), form=form, action_form=ActionForm()
        ), 400
    flash("Added to the rota.", "info")
    return redirect(url_for("inbox.rota"), code=303)


@bp.post("/rota/<shift_id>/remove")
@admins
def remove_shift(shift_id: str) -> BaseResponse:
    """Take a slot off the rota."""
    _checked(ActionForm())
    if not services.remove_shift(shift_id, actor=current_actor(), now=clock()):
        abort(404)
    flash("Removed from the rota.", "info")
    return redirect(url_for("inbox.rota"), code=303)
