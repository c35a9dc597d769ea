"""Plain factory functions with sensible defaults; tests override what they are about."""

import datetime as dt
import io
import itertools
import re
from html.parser import HTMLParser

from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage

from articles.models import (
    Article,
    AuthorProfile,
    Byline,
    Citation,
    Image,
    Quote,
    Section,
)
from franchise.models import (
    Character,
    Claim,
    ClaimStatusChange,
    Credit,
    Film,
    Franchise,
    Person,
    Song,
    Source,
)

_seq = itertools.count(1)


def n():
    return next(_seq)


def make_user(username=None, *, group=None, password="pass-word-123", **kw):
    username = username or f"user{n()}"
    user = User.objects.create_user(username=username, password=password, **kw)
    if group:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(Group.objects.get(name=group))
    return user


def make_writer(username=None, **kw):
    return make_user(username, group="Writers", **kw)


def make_editor(username=None, **kw):
    return make_user(username, group="Editors", **kw)


def make_franchise(**kw):
    i = n()
    kw.setdefault("name", f"Franchise {i}")
    return Franchise.objects.create(**kw)


def make_film(**kw):
    i = n()
    kw.setdefault("title", f"Film {i}")
    return Film.objects.create(**kw)


def make_person(**kw):
    i = n()
    kw.setdefault("name", f"Person {i}")
    return Person.objects.create(**kw)


def make_character(**kw):
    i = n()
    kw.setdefault("name", f"Character {i}")
    return Character.objects.create(**kw)


def make_credit(**kw):
    kw.setdefault("film", make_film())
    kw.setdefault("person", make_person())
    kw.setdefault("job", Credit.Job.DIRECTOR)
    return Credit.objects.create(**kw)


def make_song(**kw):
    i = n()
    kw.setdefault("title", f"Song {i}")
    films = kw.pop("films", [])
    song = Song.objects.create(**kw)
    song.films.set(films)
    return song


def make_source(**kw):
    i = n()
    kw.setdefault("title", f"Source {i}")
    kw.setdefault("kind", Source.Kind.INTERVIEW)
    return Source.objects.create(**kw)


def make_claim(subject=None, *, sources=(), **kw):
    subject = subject or make_film()
    kw[subject._meta.model_name] = subject
    kw.setdefault("property", Claim.Property.SUBTITLE)
    kw.setdefault("value", f"Value {n()}")
    claim = Claim.objects.create(**kw)
    claim.sources.set(sources)
    return claim


def make_status_change(claim, to_status, reason="Checked", **kw):
    """A line of a claim's status history (without moving the claim itself)."""
    kw.setdefault("from_status", claim.status)
    return ClaimStatusChange.objects.create(
        claim=claim, to_status=to_status, reason=reason, **kw
    )


def image_bytes(fmt="JPEG", size=(1200, 800), color=(120, 40, 160)):
    buffer = io.BytesIO()
    PILImage.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def make_image(**kw):
    i = n()
    kw.setdefault("title", f"Image {i}")
    kw.setdefault("alt_text", f"Alt text {i}")
    kw.setdefault("credit", "Staff photographer")
    kw.setdefault("file_format", "jpeg")
    if "file" not in kw:
        kw["file"] = SimpleUploadedFile(f"img{i}.jpg", image_bytes(), "image/jpeg")
    return Image.objects.create(**kw)


def make_section(**kw):
    i = n()
    kw.setdefault("name", f"Section {i}")
    kw.setdefault("slug", f"section-{i}")
    return Section.objects.create(**kw)


def make_author(**kw):
    i = n()
    kw.setdefault("display_name", f"Author {i}")
    return AuthorProfile.objects.create(**kw)


def make_article(*, authors=None, tags=(), published=True, **kw):
    i = n()
    kw.setdefault("title", f"Article {i}")
    kw.setdefault("dek", f"Dek of article {i}.")
    kw.setdefault("body", f"<p>Body of article {i}.</p>")
    if "section" not in kw:
        kw["section"] = make_section()
    if published:
        now = timezone.now()
        kw.setdefault("status", Article.Status.PUBLISHED)
        kw.setdefault("published_at", now)
        kw.setdefault("first_published_at", kw["published_at"])
    article = Article.objects.create(**kw)
    for position, author in enumerate(
        authors if authors is not None else [make_author()]
    ):
        Byline.objects.create(article=article, author=author, position=position)
    if tags:
        article.tags.add(*tags)
    return article


def make_citation(article, source=None, **kw):
    return Citation.objects.create(
        article=article, source=source or make_source(), **kw
    )


def make_quote(article, **kw):
    kw.setdefault("speaker", make_person())
    kw.setdefault("words", f"Words {n()}")
    kw.setdefault("source", make_source())
    return Quote.objects.create(article=article, **kw)


def make_release(**kw):
    kw.setdefault("film", make_film())
    kw.setdefault("kind", "theatrical")
    kw.setdefault("date", timezone.now().date())
    from franchise.models import Release

    return Release.objects.create(**kw)


def make_award(**kw):
    kw.setdefault("song", make_song())
    kw.setdefault("name", f"Award {n()}")
    from franchise.models import Award

    return Award.objects.create(**kw)



# Articles in the workflow, and the admin's requests -----------------------------


def draft_by(user, **kw):
    """A draft the user created and carries the byline of; a feature by default,
    so it passes the publish checks without a citation."""
    kw.setdefault("kind", Article.Kind.FEATURE)
    article = make_article(published=False, created_by=user, authors=[], **kw)
    author = getattr(user, "author_profile", None) or make_author(user=user)
    Byline.objects.create(article=article, author=author)
    return article


def in_state(status, user, **kw):
    """The user's article put straight into ``status`` (live states went out an
    hour ago), without transitions: the starting point of a workflow test."""
    article = draft_by(user, **kw)
    live = status in {
        Article.Status.PUBLISHED,
        Article.Status.SCHEDULED,
        Article.Status.RETRACTED,
    }
    at = timezone.now() - dt.timedelta(hours=1) if live else None
    Article.objects.filter(pk=article.pk).update(
        status=status, published_at=at, first_published_at=at
    )
    article.refresh_from_db()
    return article


def change_url(article):
    """The article's admin change form."""
    return reverse("admin:articles_article_change", args=[article.pk])


def inline_management(prefix, total=0, initial=0):
    """The management form fields of an admin inline formset."""
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def change_post(article, **fields):
    """The POST the admin change form sends, as loaded at the article's version,
    without inline rows."""
    data = {
        "title": article.title,
        "slug": article.slug,
        "dek": article.dek,
        "body": article.body,
        "kind": article.kind,
        "section": article.section_id,
        "tags": "",
        "base_version": article.version,
        **inline_management("bylines"),
        **inline_management("citations"),
        **inline_management("quotes"),
    }
    data.update(fields)
    return data


def squash(text):
    """Text with every run of whitespace as one space, as a reader sees it."""
    return re.sub(r"\s+", " ", text).strip()


def html_section(html, anchor):
    """The HTML of one <section>, found by the id of an element at its start."""
    start = html.index(f'id="{anchor}"')
    return html[start : html.index("</section>", start)]
class _FormReader(HTMLParser):
    """Collects what a browser would send for the admin's main change form."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data = {}
        self.in_form = False
        self.select = None
        self.option = None
        self.textarea = None

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id", "").endswith("_form"):
            self.in_form = True
        if not self.in_form or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._add(name, attrs.get("value", "on"))
            elif kind not in ("file", "submit", "button", "image", "reset"):
                self._add(name, attrs.get("value", ""))
        elif tag == "select" and name:
            self.select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self.select and "selected" in attrs:
            self._add(self.select, attrs.get("value", ""))
        elif tag == "textarea" and name:
            self.textarea = name
            self._add(name, "")

    def handle_data(self, text):
        if self.textarea:
            self.data[self.textarea][-1] += text

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            # Browsers drop the newline right after <textarea>.
            value = self.data[self.textarea][-1]
            self.data[self.textarea][-1] = value.removeprefix("\n")
            self.textarea = None


def admin_form_data(response, **changes):
    """The POST a browser sends from an admin change form page, with ``changes``.

    Reads the rendered form (fields, inline rows, management forms), so a test
    sends exactly the payload the page would; a list value sets every value.
    """
    reader = _FormReader()
    reader.feed(response.content.decode())
    data = {
        name: values if len(values) != 1 else values[0]
        for name, values in reader.data.items()
        if values or name in changes
    }
    data.pop("csrfmiddlewaretoken", None)
    data.update(changes)
    return data

def make_correction(article, **kw):
    from articles.models import Correction

    kw.setdefault("text", f"Correction {n()}.")
    return Correction.objects.create(article=article, **kw)




def admin_article_post(section, **fields):
    """The POST the article admin's add form sends, with empty inlines."""
    data = {
        "title": "Purple Hearts 2 is happening",
        "slug": f"purple-hearts-2-is-happening-{n()}",
        "dek": "The sequel is on.",
        "body": "<p>Body.</p>",
        "kind": Article.Kind.NEWS,
        "section": section.pk,
        "tags": "purple hearts, sequels",
        **inline_management("bylines"),
        **inline_management("citations"),
        **inline_management("quotes"),
    }
    data.update(fields)
    return data


def make_live_blog(*, authors=None, **kw):
    """A published live blog (kind "live"), coverage running."""
    kw.setdefault("kind", Article.Kind.LIVE)
    return make_article(authors=authors, **kw)


def author_for(user):
    """An author profile for a user, to put them on an article's byline."""
    return make_author(user=user, display_name=f"{user.username} Byline")
