"""Login, logout, one's own password, and the admin's account and audit pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response as BaseResponse

from support_hub.accounts import audit, services
from support_hub.accounts.auth import (
    SESSION_KEY,
    clock,
    current_actor,
    known_device,
    page_number,
    remember_device,
    roles_required,
    safe_next,
    staff_required,
    staff_user,
)
from support_hub.accounts.forms import (
    ActionForm,
    AuditFilterForm,
    ChangePasswordForm,
    EditUserForm,
    LoginForm,
    NewUserForm,
    ResetPasswordForm,
)
from support_hub.accounts.models import Role, User
from support_hub.validation import ValidationFailed, show_on_form

bp = Blueprint("accounts", __name__)

AUDIT_PAGE_SIZE = 50


def _home_for(user: User) -> str:
    if user.role in (Role.ADMIN, Role.COORDINATOR):
        return url_for("portal.index")
    if "inbox.index" in current_app.view_functions:
        return url_for("inbox.index")
    return url_for("accounts.home")


def _user_or_404(user_id: str) -> User:
    user = services.get_user(user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/account/login", methods=["GET", "POST"])
def login() -> BaseResponse | tuple[str, int] | str:
    """Staff login form; on success a fresh session replaces whatever the browser had."""
    if current_user.is_authenticated:
        return redirect(_home_for(staff_user()))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            result = services.authenticate(
                form.email.data or "",
                form.password.data or "",
                ip=request.remote_addr or "unknown",
                device=known_device(),
                now=clock(),
            )
        except services.LoginRefused as refused:
            form.password.errors = [*form.password.errors, refused.message]
            status = 429 if refused.throttled else 401
            response = make_response(render_template("accounts/login.html", form=form), status)
            if refused.retry_after:
                response.headers["Retry-After"] = str(int(refused.retry_after.total_seconds()) + 1)
            return response
        target = safe_next(request.args.get("next")) or _home_for(result.user)
        # Rotation: nothing from before the login (a planted cookie, an old token) survives it.
        session.clear()
        session[SESSION_KEY] = result.session_token
        login_user(result.user)
        response = redirect(target)
        remember_device(response, result.device)
        return response
    elif request.method == "POST":
        status = 400
    return render_template("accounts/login.html", form=form), status


@bp.post("/account/logout")
def logout() -> BaseResponse:
    """End this session."""
    token = session.get(SESSION_KEY)
    if current_user.is_authenticated and isinstance(token, str):
        services.logout(token, actor=current_actor(), now=clock())
    logout_user()
    session.clear()
    flash("You are logged out.", "info")
    return redirect(url_for("accounts.login"))


@bp.get("/account/")
@staff_required
def home() -> str:
    """Your account: who you are, your role, links to your work."""
    return render_template("accounts/home.html", user=staff_user(), logout_form=ActionForm())


@bp.route("/account/password", methods=["GET", "POST"])
@staff_required
def change_password() -> BaseResponse | tuple[str, int]:
    """Change your own password; your other sessions end."""
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.change_password(
                staff_user(),
                current=form.current_password.data or "",
                new=form.new_password.data or "",
                actor=current_actor(),
                keep_session=session.get(SESSION_KEY),
                hub_name=current_app.extensions["support_hub.settings"].hub_name,
                now=clock(),
            )
        except ValidationFailed as exc:
            show_on_form(form, exc.errors)
            status = 400
        else:
            flash("Your password is changed. Any other sessions were logged out.", "info")
            return redirect(url_for("accounts.home"))
    elif request.method == "POST":
        status = 400
    return render_template("accounts/password.html", form=form), status


@bp.get("/portal/users/")
@roles_required(Role.ADMIN)
def users() -> str:
    """Every staff account."""
    return render_template("accounts/users.html", users=services.list_users())


@bp.route("/portal/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_user() -> BaseResponse | tuple[str, int]:
    """Create a staff account."""
    form = NewUserForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.create_user(
                email=form.email.data or "",
                role=Role(form.role.data),
                password=form.password.data or "",
                name=form.name.data or "",
                phone=form.phone.data,
                actor=current_actor(),
                hub_name=current_app.extensions["support_hub.settings"].hub_name,
                now=clock(),
            )
        except ValidationFailed as exc:
            show_on_form(form, exc.errors)
            status = 400
        else:
            flash(f"Account created for {user.email}.", "info")
            return redirect(url_for("accounts.edit_user", user_id=user.id))
    elif request.method == "POST":
        status = 400
    return render_template("accounts/new_user.html", form=form), status


@bp.route("/portal/users/<user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id: str) -> BaseResponse | tuple[str, int]:
    """Change an account's role, name or phone."""
    user = _user_or_404(user_id)
    form = EditUserForm(obj=None if request.method == "POST" else user)
    if request.method == "GET":
        form.role.data = user.role.value
    status = 200
    if form.validate_on_submit():
        try:
            services.update_user(
                user,
                role=Role(form.role.data),
                name=form.name.data or "",
                phone=form.phone.data,
                actor=current_actor(),
                now=clock(),
            )
        except ValidationFailed as exc:
            show_on_form(form, exc.errors)
            status = 400
        else:
            flash("Saved.", "info")
            return redirect(url_for("accounts.edit_user", user_id=user.id))
    elif request.method == "POST":
        status = 400
    return render_template(
        "accounts/edit_user.html",
        user=user,
        form=form,
        reset_form=ResetPasswordForm(formdata=None),
        action_form=ActionForm(),
    ), status


@bp.post("/portal/users/<user_id>/disable")
@roles_required(Role.ADMIN)
def disable_user(user_id: str) -> BaseResponse:
    """Disable an account; its sessions end at once."""
    return _set_disabled(user_id, disabled=True)


@bp.post("/portal/users/<user_id>/enable")
@roles_required(Role.ADMIN)
def enable_user(user_id: str) -> BaseResponse:
    """Enable a disabled account again."""
    return _set_disabled(user_id, disabled=False)


def _set_disabled(user_id: str, *, disabled: bool) -> BaseResponse:
    user = _user_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.set_disabled(user, disabled, actor=current_actor(), now=clock())
    except ValidationFailed as exc:
        for messages in exc.errors.values():
            for message in messages:
                flash(message, "error")
    else:
        flash(f"{user.email} is {'disabled' if disabled else 'enabled'}.", "info")
    return redirect(url_for("accounts.edit_user", user_id=user.id))


@bp.post("/portal/users/<user_id>/password")
@roles_required(Role.ADMIN)
def reset_password(user_id: str) -> BaseResponse | tuple[str, int]:
    """Set a new password for someone who lost theirs; their sessions end."""
    user = _user_or_404(user_id)
    reset_form = ResetPasswordForm()
    if reset_form.validate_on_submit():
        try:
            services.reset_password(
                user,
                reset_form.password.data or "",
                actor=current_actor(),
                hub_name=current_app.extensions["support_hub.settings"].hub_name,
                now=clock(),
            )
        except ValidationFailed as exc:
            show_on_form(reset_form, exc.errors)
        else:
            flash("Password set. Tell the person and ask them to change it.", "info")
            return redirect(url_for("accounts.edit_user", user_id=user.id))
    form = EditUserForm(obj=user)
    form.role.data = user.role.value
    return render_template(
        "accounts/edit_user.html",
        user=user,
        form=form,
        reset_form=reset_form,
        action_form=ActionForm(),
    ), 400


def _parse_day(text: str | None, field: object) -> datetime | None:
    if not text:
        return None
    try:
        day = datetime.strptime(text.strip(), "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        day = None
    if day is None or not 2000 <= day.year <= 2999:
        field.errors = ["Use the form YYYY-MM-DD."]  # type: ignore[attr-defined]
        return None
    return day


@bp.get("/portal/audit")
@roles_required(Role.ADMIN)
def audit_log() -> tuple[str, int]:
    """Browse and filter the audit trail, newest first."""
    form = AuditFilterForm(request.args)
    form.validate()
    since = _parse_day(form.since.data, form.since)
    until = _parse_day(form.until.data, form.until)
    page = page_number()
    criteria = audit.AuditFilter(
        action=(form.action.data or "").strip() or None,
        actor=form.actor.data or None,
        object_type=(form.object_type.data or "").strip() or None,
        object_id=form.object_id.data or None,
        since=since,
        until=until + timedelta(days=1) if until else None,
    )
    events, total = audit.search(criteria, page=page, per_page=AUDIT_PAGE_SIZE)
    has_errors = any(field.errors for field in form)
    return render_template(
        "accounts/audit.html",
        form=form,
        events=events,
        total=total,
        page=page,
        pages=max((total + AUDIT_PAGE_SIZE - 1) // AUDIT_PAGE_SIZE, 1),
        actions=audit.action_names(),
    ), 400 if has_errors else 200
