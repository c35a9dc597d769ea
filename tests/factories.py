"""Plain factory functions with sensible defaults; tests override what they are about."""

import io
import itertools

from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
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



def admin_inline_management(prefix, total=0):
    """The management form of an empty admin inline."""
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


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
        **admin_inline_management("bylines"),
        **admin_inline_management("citations"),
        **admin_inline_management("quotes"),
    }
    data.update(fields)
    return data
