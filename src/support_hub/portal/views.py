"""Coordinator and admin pages: listings, verification, archive, CSV import and export."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from werkzeug.wrappers import Response as BaseResponse

from support_hub.accounts.auth import clock, current_actor, page_number, roles_required
from support_hub.accounts.models import Role
from support_hub.directory.models import Location, Organization, Service
from support_hub.portal import bulk, hsds_bulk, places, services
from support_hub.portal.forms import (
    ActionForm,
    HsdsImportForm,
    ImportForm,
    ListingFilterForm,
    LocationForm,
    OrganizationForm,
    ServiceForm,
    choices,
)
from support_hub.validation import ValidationFailed, show_on_form

bp = Blueprint("portal", __name__, url_prefix="/portal")

PAGE_SIZE = 50
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_HSDS_UPLOAD_BYTES = 50 * 1024 * 1024
listing_staff = roles_required(Role.ADMIN, Role.COORDINATOR)


def _input_from_form(form: Any, input_type: type) -> Any:
    values = {}
    for item in fields(input_type):
        form_field = getattr(form, item.name, None)
        if form_field is None:
            continue
        data = form_field.data
        if isinstance(data, (list, bool)):
            values[item.name] = data
        else:
            values[item.name] = "" if data is None else str(data)
    return input_type(**values)


def _service_or_404(service_id: str) -> Service:
    service = services.get_service(service_id)
    if service is None:
        abort(404)
    return service


def _organization_or_404(org_id: str) -> Organization:
    org = services.get_organization(org_id)
    if org is None:
        abort(404)
    return org


@bp.get("/")
@listing_staff
def index() -> str:
    """Listings, filtered by name, status, category and archive state."""
    form = ListingFilterForm(request.args)
    page = page_number()
    criteria = services.ListingFilter(
        q=form.q.data or "",
        status=form.status.data or "",
        category=form.category.data or "",
        archived=form.archived.data or "no",
    )
    rows, total = services.list_services(criteria, page=page, per_page=PAGE_SIZE)
    return render_template(
        "portal/index.html",
        form=form,
        services=rows,
        total=total,
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
    )


@bp.get("/reverify")
@listing_staff
def reverify() -> str:
    """Listings not verified in 180 days, oldest first."""
    today = clock().date()
    return render_template(
        "portal/reverify.html", services=services.reverify_queue(today=today), today=today
    )


@bp.get("/organizations/")
@listing_staff
def organizations() -> str:
    """Every organization, with its number of listings."""
    return render_template(
        "portal/organizations.html", organizations=services.organizations_with_counts()
    )


@bp.route("/organizations/new", methods=["GET", "POST"])
@listing_staff
def new_organization() -> BaseResponse | tuple[str, int]:
    """Add an organization."""
    return _organization_form(None)


@bp.route("/organizations/<org_id>/edit", methods=["GET", "POST"])
@listing_staff
def edit_organization(org_id: str) -> BaseResponse | tuple[str, int]:
    """Edit an organization."""
    return _organization_form(_organization_or_404(org_id))


def _organization_form(org: Organization | None) -> BaseResponse | tuple[str, int]:
    form = OrganizationForm(obj=org if request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        try:
            saved = services.save_organization(
                org,
                _input_from_form(form, services.OrganizationInput),
                actor=current_actor(),
                now=clock(),
            )
        except ValidationFailed as exc:
            show_on_form(form, exc.errors)
            status = 400
        else:
            flash(f"Saved {saved.name}.", "info")
            if org is not None:
                return redirect(url_for("portal.index", q=saved.name))
            # A new organization is usually added to list its first service next.
            return redirect(url_for("portal.new_service", organization_id=saved.id))
    elif request.method == "POST":
        status = 400
    return render_template("portal/organization_form.html", form=form, organization=org), status


def _service_form(service: Service | None) -> BaseResponse | tuple[str, int]:
    if request.method == "GET":
        data = (
            services.service_input_from(service)
            if service
            else services.ServiceInput(organization_id=request.args.get("organization_id", ""))
        )
        form = ServiceForm(data=vars(data))
    else:
        form = ServiceForm()
    form.organization_id.choices = choices(
        ("", "Choose…"), *((org.id, org.name) for org in services.list_organizations())
    )
    status = 200
    if form.validate_on_submit():
        try:
            saved = services.save_service(
                service,
                _input_from_form(form, services.ServiceInput),
                actor=current_actor(),
                now=clock(),
            )
        except ValidationFailed as exc:
            show_on_form(form, exc.errors)
            status = 400
        else:
            flash(f"Saved {saved.name}.", "info")
            return redirect(url_for("portal.service_detail", service_id=saved.id))
    elif request.method == "POST":
        status = 400
    return render_template("portal/service_form.html", form=form, service=service), status


@bp.route("/services/new", methods=["GET", "POST"])
@listing_staff
def new_service() -> BaseResponse | tuple[str, int]:
    """Add a listing."""
    return _service_form(None)


@bp.route("/services/<service_id>/edit", methods=["GET", "POST"])
@listing_staff
def edit_service(service_id: str) -> BaseResponse | tuple[str, int]:
    """Edit a listing."""
    return _service_form(_service_or_404(service_id))


@bp.get("/services/<service_id>")
@listing_staff
def service_detail(service_id: str) -> str:
    """One listing as staff see it, with its locations and actions."""
    service = _service_or_404(service_id)
    return render_template(
        "portal/service_detail.html",
        service=service,
        data=services.service_input_from(service),
        locations=[link.location for link in service.service_at_locations],
        action_form=ActionForm(),
    )


def _act(service_id: str, action: str) -> BaseResponse:
    service = _service_or_404(service_id)
    if not ActionForm().validate_on_submit():
        abort(400, "The form expired; reload the page and try again.")
    if action == "verify":
        services.mark_verified(service, actor=current_actor(), now=clock())
        flash("Marked verified today.", "info")
    else:
        services.set_archived(service, action == "archive", actor=current_actor(), now=clock())
        flash("Archived: hidden from the public." if action == "archive" else "Restored.", "info")
    return redirect(url_for("portal.service_detail", service_id=service.id))


@bp.post("/services/<service_id>/verify")
@listing_staff
def verify_service(service_id: str) -> BaseResponse:
    """Mark a listing verified today by you."""
    return _act(service_id, "verify")


@bp.post("/services/<service_id>/archive")
@listing_staff
def archive_service(service_id: str) -> BaseResponse:
    """Archive a listing (hidden from the public; never deleted)."""
    return _act(service_id, "archive")


@bp.post("/services/<service_id>/unarchive")
@listing_staff
def unarchive_service(service_id: str) -> BaseResponse:
    """Bring an archived listing back."""
    return _act(service_id, "unarchive")


def _location_form(service: Service, location: Location | None) -> BaseResponse | tuple[str, int]:
    if request.method == "GET" and location is not None:
        snap = services.location_snapshot(location)
        form = LocationForm(
            data={
                **{
                    k: snap[k] or ""
                    for k in ("name", "address_1", "address_2", "city", "state", "postal_code")
                },
                "confidential": snap["confidential"],
                "latitude": "" if snap["latitude"] is None else str(snap["latitude"]),
                "longitude": "" if snap["longitude"] is None else str(snap["longitude"]),
            }
        )
    else:
        form = LocationForm()
    status = 200
    if form.validate_on_submit():
        try:
            data = _input_from_form(form, services.LocationInput)
            if location is not None and _address_changed(location, data):
                # New address: place it again unless the coordinates were edited by hand too.
                snap = services.location_snapshot(location)
                if data.latitude == str(snap["latitude"]) and data.longitude == str(
                    snap["longitude"]
                ):
                    data.latitude = data.longitude = ""
            services.save_location(
                service, location, data, locate=places.locator(), actor=current_actor(), now=clock()
            )
        except ValidationFailed as exc:
            show_on_form(form, exc.errors)
            status = 400
        else:
            flash("Location saved.", "info")
            return redirect(url_for("portal.service_detail", service_id=service.id))
    elif request.method == "POST":
        status = 400
    return render_template(
        "portal/location_form.html",
        form=form,
        service=service,
        location=location,
        geocoder_available=places.locator() is not None,
    ), status


def _address_changed(location: Location, data: services.LocationInput) -> bool:
    snap = services.location_snapshot(location)
    return any(
        (snap[key] or "") != getattr(data, key).strip()
        for key in ("address_1", "city", "state", "postal_code")
    )


@bp.route("/services/<service_id>/locations/new", methods=["GET", "POST"])
@listing_staff
def new_location(service_id: str) -> BaseResponse | tuple[str, int]:
    """Add a place where the service meets."""
    return _location_form(_service_or_404(service_id), None)


@bp.route("/services/<service_id>/locations/<location_id>/edit", methods=["GET", "POST"])
@listing_staff
def edit_location(service_id: str, location_id: str) -> BaseResponse | tuple[str, int]:
    """Edit one of a listing's locations."""
    service = _service_or_404(service_id)
    location = services.service_location(service, location_id)
    if location is None:
        abort(404)
    return _location_form(service, location)


@bp.post("/services/<service_id>/locations/<location_id>/remove")
@listing_staff
def remove_location(service_id: str, location_id: str) -> BaseResponse:
    """Take a location off a listing."""
    service = _service_or_404(service_id)
    location = services.service_location(service, location_id)
    if location is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400, "The form expired; reload the page and try again.")
    services.remove_location(service, location, actor=current_actor(), now=clock())
    flash("Location removed.", "info")
    return redirect(url_for("portal.service_detail", service_id=service.id))


@bp.route("/import", methods=["GET", "POST"])
@listing_staff
def import_csv() -> BaseResponse | tuple[str, int]:
    """Upload a CSV; see a dry-run preview with every row's problems before anything changes."""
    form = ImportForm()
    if not form.validate_on_submit():
        return render_template(
            "portal/import.html", form=form, columns=bulk.COLUMNS, required=bulk.REQUIRED_COLUMNS
        ), 400 if request.method == "POST" else 200
    upload = form.file.data
    problem = None
    text = ""
    if upload is None or not getattr(upload, "filename", ""):
        problem = "Choose a CSV file to upload."
    else:
        raw = upload.read(MAX_UPLOAD_BYTES + 1)
        if len(raw) > MAX_UPLOAD_BYTES:
            problem = "The file is larger than 2 MB; split it."
        else:
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                problem = "Save the file as UTF-8 CSV and try again."
    if problem is None:
        try:
            record, report = bulk.preview_import(
                upload.filename, text, locate=places.locator(), actor=current_actor(), now=clock()
            )
        except bulk.BadFile as exc:
            problem = str(exc)
        else:
            return render_template(
                "portal/import_preview.html",
                upload=record,
                report=report,
                action_form=ActionForm(),
            ), 200
    form.file.errors = [problem]
    return render_template(
        "portal/import.html", form=form, columns=bulk.COLUMNS, required=bulk.REQUIRED_COLUMNS
    ), 400


@bp.post("/import/<import_id>/commit")
@listing_staff
def commit_import(import_id: str) -> BaseResponse | tuple[str, int]:
    """Apply a previewed import: all rows, or none if any row fails."""
    upload = bulk.get_import(import_id)
    if upload is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400, "The form expired; reload the page and try again.")
    try:
        report = bulk.commit_import(
            upload, locate=places.locator(), actor=current_actor(), now=clock()
        )
    except ValidationFailed as exc:
        flash(" ".join(m for msgs in exc.errors.values() for m in msgs), "error")
        return redirect(url_for("portal.import_csv"))
    if not report.ok:
        return render_template(
            "portal/import_preview.html", upload=upload, report=report, action_form=ActionForm()
        ), 409
    flash(f"Imported {report.created} new and {report.updated} updated listings.", "info")
    return redirect(url_for("portal.index"))


@bp.get("/import/template.csv")
@listing_staff
def import_template() -> Response:
    """The CSV template: the header row and one example."""
    return Response(
        bulk.template_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=listings-template.csv"},
    )


@bp.get("/export.csv")
@listing_staff
def export_csv() -> Response:
    """Every listing as CSV (archived ones too with ?archived=all)."""
    include_archived = request.args.get("archived") == "all"
    return Response(
        stream_with_context(bulk.export_csv(include_archived=include_archived)),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=listings.csv"},
    )


@bp.route("/hsds/import", methods=["GET", "POST"])
@listing_staff
def import_hsds() -> tuple[str, int]:
    """Upload Open Referral HSDS 3.0 JSON: check it (dry run) or import all of it or none."""
    form = HsdsImportForm()
    if not form.validate_on_submit():
        return render_template("portal/hsds_import.html", form=form, result=None), (
            400 if request.method == "POST" else 200
        )
    upload = form.file.data
    problem = None
    if upload is None or not getattr(upload, "filename", ""):
        problem = "Choose an HSDS JSON file to upload."
    else:
        raw = upload.read(MAX_HSDS_UPLOAD_BYTES + 1)
        if len(raw) > MAX_HSDS_UPLOAD_BYTES:
            problem = "The file is larger than 50 MB; use `flask hsds import` for big files."
        else:
            try:
                records = hsds_bulk.read_upload(raw)
            except hsds_bulk.BadHsdsFile as exc:
                problem = str(exc)
    if problem is not None:
        form.file.errors = [problem]
        return render_template("portal/hsds_import.html", form=form, result=None), 400
    if form.dry_run.data:
        result = hsds_bulk.check_hsds(records)
    else:
        result = hsds_bulk.import_hsds(records, upload.filename, actor=current_actor())
    status = 200 if result.ok else 422
    return render_template(
        "portal/hsds_import.html", form=form, result=result, dry_run=form.dry_run.data
    ), status


@bp.get("/hsds/export.json")
@listing_staff
def export_hsds() -> Response:
    """Every listing as HSDS 3.0 JSON (confidential addresses only with ?confidential=include)."""
    include_confidential = request.args.get("confidential") == "include"
    chunks = hsds_bulk.export_hsds(include_confidential=include_confidential, actor=current_actor())
    return Response(
        stream_with_context(chunks),
        mimetype="application/json",
        headers={"Content-Disposition": "attachment; filename=support-hub-hsds.json"},
    )
