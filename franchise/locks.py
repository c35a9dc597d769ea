"""Rows other apps show readers, and who may change them.

The knowledge base does not know what the newsroom publishes (franchise imports
nothing of ours), so the newsroom registers the rule here when it starts:

    locks.register(check, exempt=may_change_shown_rows, record=record_change)

- ``check(obj)`` returns a reason per live page that shows ``obj`` (empty: free);
- ``exempt(user)`` is true for users who may change such rows anyway (editors);
- ``record(obj, by=user, changes=[...])`` keeps an exempt user's change on the record.

The admin mixins below apply the rule on every admin path: change form (read-only
with the reasons), crafted POST (403), inline rows, delete and bulk delete.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet

_rules = []


def register(check, *, exempt=None, record=None):
    """Add a rule; called once per rule from an AppConfig.ready()."""
    rule = (check, exempt, record)
    if rule not in _rules:
        _rules.append(rule)
    return check


def locked_by(obj):
    """Every reason why ``obj`` is shown live, whoever asks."""
    if obj is None or obj.pk is None:
        return []
    return [reason for check, _exempt, _record in _rules for reason in check(obj)]


def reasons_for(user, obj):
    """The reasons that stop ``user`` from changing ``obj`` (empty: may change)."""
    if obj is None or obj.pk is None:
        return []
    return [
        reason
        for check, exempt, _record in _rules
        if not (exempt and exempt(user))
        for reason in check(obj)
    ]


def record(obj, *, by, changes):
    """Keep a change to a shown row on the record of every rule that shows it.

    Each recorder finds the pages showing ``obj`` itself (none: nothing kept).
    """
    for _check, _exempt, recorder in _rules:
        if recorder:
            recorder(obj, by=by, changes=changes)


def refusal(reasons):
    """The message a writer reads: which live articles use the row, and what to do."""
    return f"Used by a live article: {', '.join(reasons)}; ask an editor."


def describe(value):
    """A short, stable text for an old or new value in the audit trail."""
    if value is None or value == "":
        return ""
    if hasattr(value, "name") and hasattr(value, "storage"):  # a stored file
        return value.name or ""
    if hasattr(value, "read") and hasattr(value, "name"):  # an upload
        return f"new file {value.name}"
    if isinstance(value, (list, tuple, set)) or hasattr(value, "model"):
        return ", ".join(sorted(describe(item) for item in value))
    return str(value)


def form_changes(form, prefix=""):
    """[{field, old, new}] for the fields a bound model form changed."""
    changes = []
    for name in form.changed_data:
        old = describe(form.initial.get(name))
        if name in form.fields and hasattr(form.fields[name], "queryset"):
            # Initial values of relations are primary keys: name the rows.
            old = _names(form.fields[name], form.initial.get(name))
        new = describe(form.cleaned_data.get(name))
        if old != new:
            changes.append({"field": f"{prefix}{name}", "old": old, "new": new})
    return changes


def _names(field, initial):
    if initial in (None, "", []):
        return ""
    pks = initial if isinstance(initial, (list, tuple)) else [initial]
    pks = [getattr(pk, "pk", pk) for pk in pks]
    return describe(list(field.queryset.model._default_manager.filter(pk__in=pks)))


def formset_changes(formset):
    """[{field, old, new}] for the rows an inline formset adds, changes or deletes."""
    changes = []
    label = formset.model._meta.verbose_name
    for form in formset.initial_forms:
        if formset.can_delete and formset._should_delete_form(form):
            changes.append({"field": label, "old": str(form.instance), "new": ""})
        elif form.has_changed():
            changes += form_changes(form, prefix=f"{label} “{form.instance}”: ")
    for form in formset.extra_forms:
        if form.has_changed() and not formset._should_delete_form(form):
            changes.append(
                {"field": label, "old": "", "new": str(form.instance) or "new row"}
            )
    return changes


class ShownRowAdmin:
    """ModelAdmin mixin: rows a live article shows are changed by editors only."""

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return not self.lock_reasons(request, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return not self.lock_reasons(request, obj)

    def lock_reasons(self, request, obj):
        """reasons_for(request.user, obj), asked once per row and request."""
        if obj is None or obj.pk is None:
            return []
        key = (type(obj), obj.pk)
        asked = request.__dict__.setdefault("shown_row_locks", {})
        if key not in asked:
            asked[key] = reasons_for(request.user, obj)
        return asked[key]

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        reasons = self.lock_reasons(request, obj)
        if reasons and request.method == "GET":
            # Why the form is read-only, on the page itself.
            self.message_user(request, refusal(reasons), messages.WARNING)
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    def save_model(self, request, obj, form, change):
        if change:
            # Judge by the row as stored, before this save moves it.
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            form.shown_before = stored if locked_by(stored) else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        stored = getattr(form, "shown_before", None)
        if stored is None:
            return
        changes = form_changes(form)
        for formset in formsets:
            changes += formset_changes(formset)
        if changes:
            record(stored, by=request.user, changes=changes)

    def delete_model(self, request, obj):
        self._record_deletion(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self._record_deletion(request, obj)
            super().delete_queryset(request, queryset)

    def _record_deletion(self, request, obj):
        if locked_by(obj):
            label = obj._meta.verbose_name
            changes = [{"field": label, "old": str(obj), "new": "deleted"}]
            record(obj, by=request.user, changes=changes)


class ShownRowInlineFormSet(BaseInlineFormSet):
    """Refuses changes to, or deletion of, inline rows the user may not change."""

    user = None

    def clean(self):
        super().clean()
        for form in self.initial_forms:
            instance = form.instance
            deleting = self.can_delete and self._should_delete_form(form)
            if not (deleting or form.has_changed()):
                continue
            reasons = reasons_for(self.user, instance)
            if reasons:
                raise ValidationError(f"“{instance}”: {refusal(reasons)}")


class ShownRowInline:
    """InlineModelAdmin mixin: the inline's own rows follow the same rule."""

    formset = ShownRowInlineFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.user = request.user
        return formset


def refuse_unless_free(user, obj):
    """For views outside the admin's forms: raise ValidationError if locked."""
    reasons = reasons_for(user, obj)
    if reasons:
        raise ValidationError(refusal(reasons))
