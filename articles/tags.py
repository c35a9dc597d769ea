"""Tags the way writers type them, and slugs for every tag.

Commas separate tags; everything between two commas is one tag, spaces and all,
so "Purple Hearts 2" (what the suggestion list inserts) stays one tag. A tag
holding a comma is written in double quotes. Settings point taggit's
``TAGGIT_TAGS_FROM_STRING`` and ``TAGGIT_STRING_FROM_TAGS`` here.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from taggit.models import Tag

from franchise.text import strip_unsafe, validate_clean_text

# taggit's Tag.name and Tag.slug are both VARCHAR(100).
MAX_LENGTH = Tag._meta.get_field("name").max_length
SLUG_LENGTH = Tag._meta.get_field("slug").max_length


def parse_tags(text):
    """The tag names in ``text``: comma-separated, each stripped, no repeats
    (compared without case), in the order typed."""
    names, current, quoted = [], [], False
    for char in text or "":
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            names.append("".join(current))
            current = []
        else:
            current.append(char)
    names.append("".join(current))
    seen, result = set(), []
    for name in names:
        name = " ".join(name.split())
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            result.append(name)
    return result


def edit_string_for_tags(tags):
    """The text a writer sees for ``tags``: names joined by commas."""
    names = sorted(tag.name for tag in tags)
    return ", ".join(f'"{name}"' if "," in name else name for name in names)


def validate_tag_names(names):
    """Refuse names the database or a reader could not take, one message each."""
    errors = []
    for name in names:
        if len(name) > MAX_LENGTH:
            errors.append(
                ValidationError(
                    "The tag “%(start)s…” is %(length)s characters long; a tag "
                    "may have at most %(max)s.",
                    code="tag_too_long",
                    params={"start": name[:30], "length": len(name), "max": MAX_LENGTH},
                )
            )
            continue
        try:
            validate_clean_text(name)
        except ValidationError as error:
            errors.append(
                ValidationError(
                    "In the tag “%(name)s”: %(problem)s",
                    code="tag_unsafe_character",
                    # The name as shown, without the character itself.
                    params={"name": strip_unsafe(name), "problem": error.messages[0]},
                )
            )
    if errors:
        raise ValidationError(errors)


def tag_slug(name):
    """The slug for a new tag: its words, or ``tag-<hash>`` when none can be
    written in a URL (``\\``, ``!!!``, emoji). The same name gives the same slug."""
    slug = slugify(name, allow_unicode=True)[: SLUG_LENGTH - 10].strip("-_")
    if slug:
        return slug
    digest = hashlib.blake2s(name.casefold().encode("utf-8", "surrogatepass"))
    return f"tag-{digest.hexdigest()[:10]}"


def tags_for_names(names):
    """The Tag rows for ``names`` (matched without case), new ones created with
    a slug from :func:`tag_slug` that no other tag has."""
    result = []
    for name in names:
        tag = Tag.objects.filter(name__iexact=name).order_by("pk").first()
        if tag is None:
            base = slug = tag_slug(name)
            n = 1
            while Tag.objects.filter(slug=slug).exists():
                n += 1
                slug = f"{base}-{n}"
            tag = Tag.objects.create(name=name, slug=slug)
        result.append(tag)
    return result
