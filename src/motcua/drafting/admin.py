"""Templates in the admin: the syntax checked at save (the reason next to the field), every save
through ``services.template_save`` (audited), and a preview against a dossier or sample data.
A province administrator lists, previews and changes the templates of their own province's
procedures only (``services.templates_kept_by``; the service refuses the others too)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from motcua.core.admin_scope import DossierRowsAdmin
from motcua.core.admin_stale import StaleGuardAdmin
from motcua.core.errors import DomainError, refused_as_403
from motcua.drafting import render as rd
from motcua.drafting.forms import PreviewForm, ResultTemplateAdminForm
from motcua.drafting.models import ResultDraft, ResultTemplate
from motcua.drafting.services import template_save, templates_kept_by


@admin.register(ResultTemplate)
class ResultTemplateAdmin(StaleGuardAdmin):
    form = ResultTemplateAdminForm
    list_display = ["procedure_code", "name", "kind", "active", "updated_at", "preview_link"]
    list_filter = ["kind", "active"]
    search_fields = ["procedure_code", "name"]

    @admin.display(description="xem trước")
    def preview_link(self, obj: ResultTemplate) -> str:
        url = reverse("admin:drafting_resulttemplate_preview", args=[obj.pk])
        return format_html('<a href="{}">Xem trước</a>', url)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a template leaves use by "đang dùng" unticked (audited), drafts keep it

    def get_queryset(self, request: HttpRequest) -> QuerySet[ResultTemplate]:
        return templates_kept_by(request.user, super().get_queryset(request))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        upload = form.cleaned_data.get("file")
        docx = None
        if upload and hasattr(upload, "read") and not getattr(upload, "_committed", False):
            upload.seek(0)
            docx = upload.read()
            upload.seek(0)
        with refused_as_403():
            template_save(actor=request.user, template=obj, docx=docx)

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<int:pk>/xem-truoc/",
                self.admin_site.admin_view(self.preview),
                name="drafting_resulttemplate_preview",
            ),
            *super().get_urls(),
        ]

    def preview(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The template filled with a dossier's data (by its code) or with sample data."""
        from motcua.dossiers.access import dossier_get_for

        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        template = self.get_queryset(request).filter(pk=pk).first()
        if template is None:
            raise Http404("Không tìm thấy mẫu kết quả")
        form = PreviewForm(request.GET or None)
        html, error = "", ""
        if form.is_bound and form.is_valid():
            c = form.cleaned_data
            try:
                if c.get("dossier"):
                    d = dossier_get_for(request.user, c["dossier"].strip())
                    context = rd.dossier_context(d, actor=request.user)
                else:
                    context = rd.sample_context(c.get("form_data") or {})
                html = rd.template_render(template, context)
            except DomainError as exc:
                error = exc.message
        elif not form.is_bound:
            try:
                html = rd.template_render(template, rd.sample_context())
            except DomainError as exc:
                error = exc.message
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Xem trước: {template}",
            "template_obj": template,
            "form": form,
            "html": html,
            "error": error,
        }
        return TemplateResponse(request, "drafting/admin_preview.html", context)


@admin.register(ResultDraft)
class ResultDraftAdmin(DossierRowsAdmin):
    """Read only: drafts change through the dossier page's services; those of the dossiers the
    administrator's province sees."""

    list_display = ["dossier", "title", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["dossier__code", "title"]
    readonly_fields = [f.name for f in ResultDraft._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
