"""One rule for characters a reader must never get: control characters and
Unicode non-characters.

Single-line text (headlines, slugs, names, credits) refuses them with a message
naming the character and where it is; multi-line text (bodies, notes, captions)
has them removed silently, since they arrive by pasting and show as nothing.
Tab, newline and carriage return are text, not control, and stay.

Lives in ``franchise`` (the lowest layer) so both apps' forms can use it.
"""

import re

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models

# C0 except tab (09), newline (0A) and carriage return (0D); DEL; C1.
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
# Non-characters: U+FDD0–U+FDEF and the last two code points of every plane.
_NONCHAR = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17)
)
# Lone surrogates cannot be stored in UTF-8 at all.
_SURROGATE = "\ud800-\udfff"
UNSAFE = re.compile(f"[{_CONTROL}{_NONCHAR}{_SURROGATE}]")
# The same test, fast: a class of 36 ranges costs Python's matcher seven times
# more per character than one of eight, and bodies are long. This one finds every
# unsafe character and, past U+1FFFE, a few safe ones, which _is_unsafe sorts out.
_CANDIDATE = re.compile(
    f"[{_CONTROL}{_SURROGATE}\ufdd0-\ufdef\ufffe\uffff\U0001fffe-\U0010ffff]"
)


def _is_unsafe(char):
    code = ord(char)
    return code < 0x1FFFE or code & 0xFFFE == 0xFFFE


def describe(char):
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return f"the broken character U+{code:04X}"
    if re.match(f"[{_NONCHAR}]", char):
        return f"the non-character U+{code:04X}"
    return f"the control character U+{code:04X}"


def find_unsafe(value):
    """The first unsafe character in ``value`` and its 1-based position, or None."""
    for match in _CANDIDATE.finditer(value or ""):
        if _is_unsafe(match.group()):
            return match.group(), match.start() + 1
    return None


def validate_clean_text(value):
    """Refuse text holding a control character or a non-character."""
    if not isinstance(value, str):
        return
    found = find_unsafe(value)
    if found:
        char, position = found
        raise ValidationError(
            "Remove %(what)s at position %(position)s; it cannot be shown to "
            "readers.",
            code="unsafe_character",
            params={"what": describe(char), "position": position},
        )


def strip_unsafe(value):
    """``value`` with every control character and non-character removed."""
    if not isinstance(value, str):
        return value
    return _CANDIDATE.sub(_drop_unsafe, value)


def _drop_unsafe(match):
    return "" if _is_unsafe(match.group()) else match.group()


def _is_multiline(form, name, field):
    """Bodies, notes and captions: model TextFields and textareas."""
    model = getattr(getattr(form, "_meta", None), "model", None)
    if model is not None:
        try:
            return isinstance(model._meta.get_field(name), models.TextField)
        except FieldDoesNotExist:  # a form field of its own
            pass
    return getattr(field.widget, "input_type", None) is None and not getattr(
        field.widget, "allow_multiple_selected", False
    )


class CleanTextFormMixin:
    """Cleans multi-line text and refuses unsafe characters in single-line text,
    for every text field of the form, before the form's own ``clean()``."""

    def _clean_fields(self):
        super()._clean_fields()
        for name, field in self.fields.items():
            value = self.cleaned_data.get(name)
            if not isinstance(value, str):
                continue
            if _is_multiline(self, name, field):
                cleaned = strip_unsafe(value)
                self.cleaned_data[name] = cleaned
                if field.required and value.strip() and not cleaned.strip():
                    # Nothing readable was left once the invisible was removed.
                    self.add_error(name, field.error_messages["required"])
                continue
            try:
                validate_clean_text(value)
            except ValidationError as error:
                self.add_error(name, error)


def with_clean_text(form_class):
    """``form_class`` with :class:`CleanTextFormMixin` in front."""
    if issubclass(form_class, CleanTextFormMixin):
        return form_class
    return type(form_class.__name__, (CleanTextFormMixin, form_class), {})


class CleanTextAdminMixin:
    """For a ModelAdmin: its form and all its inlines' forms clean their text."""

    def get_form(self, request, obj=None, **kwargs):
        return with_clean_text(super().get_form(request, obj, **kwargs))

    def get_changelist_form(self, request, **kwargs):
        return with_clean_text(super().get_changelist_form(request, **kwargs))

    def get_formsets_with_inlines(self, request, obj=None):
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            # A fresh class on every call (inlineformset_factory), ours to change.
            formset.form = with_clean_text(formset.form)
            yield formset, inline
