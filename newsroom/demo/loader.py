"""Load the demo knowledge base, accounts and seed articles from the TOML files here.

Every row is found by a stable key (slug, ``Source.key``, ``Claim.key``) and
saved only when a value differs, so a second run changes nothing, not even
``updated_at``. The caller runs ``load`` inside one transaction.
"""

import contextlib
import datetime as dt
import html
import io
import random
import tomllib
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.contrib.auth.models import Group, User
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError
from PIL import Image as PILImage
from PIL import ImageDraw

from articles import liveblog, services
from articles.images import make_renditions
from articles.models import (
    Article,
    AuthorProfile,
    Byline,
    Citation,
    Image,
    LiveUpdate,
    Quote,
    Section,
    Transition,
)
from articles.sanitize import clean_html
from franchise import dates
from franchise.models import (
    Award,
    Character,
    Claim,
    Credit,
    Film,
    Franchise,
    Person,
    Release,
    Song,
    Source,
)

DATA_DIR = Path(__file__).resolve().parent
KNOWLEDGE_BASE = "knowledge_base.toml"
ARTICLES = "articles.toml"
LIVE_BLOGS = "live_blogs.toml"


QUOTE_FIELDS = {"speaker", "speaker_name", "source", "context", "words"}
LIVE_BLOG_FIELDS = {
    "slug",
    "title",
    "dek",
    "section",
    "unconfirmed",
    "authors",
    "tags",
    "films",
    "people",
    "songs",
    "citations",
    "image",
    "body",
    "published",
    "writer",
    "editor",
}
LIVE_UPDATE_FIELDS = {"minutes", "account", "title", "body", "key_event"}


class DemoDataError(Exception):
    """An entry of a data file that cannot be loaded; the message names it."""


def read_toml(path):
    """The parsed file, or a DemoDataError naming the file and the line."""
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise DemoDataError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise DemoDataError(f"{path.name}: not valid TOML: {exc}") from None


def paragraphs(text):
    """The non-empty lines of a seed text: one paragraph each."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def body_html(text):
    """Seed text as HTML, one escaped paragraph per line, as it is stored."""
    return clean_html(
        "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs(text))
    )


def join_quote(pieces):
    """Rejoin a quote the article split around its attribution.

    The comma before an attribution stands for a full stop when the next piece
    starts a new sentence (“…her voice,” Carson teases. “But success?…”).
    """
    if isinstance(pieces, str):
        pieces = [pieces]
    words = []
    for i, piece in enumerate(pieces):
        piece = piece.strip()
        following = pieces[i + 1].strip() if i + 1 < len(pieces) else ""
        if piece.endswith(",") and (not following or following[0].isupper()):
            piece = piece[:-1] + ("." if piece[-2] not in "!?." else "")
        words.append(piece)
    return " ".join(words)


def quote_fragments(pieces):
    """The printed pieces of a quote without their attribution commas."""
    if isinstance(pieces, str):
        pieces = [pieces]
    return [p.strip().removesuffix(",") for p in pieces]


def illustration(seed, size=(1600, 900)):
    """JPEG bytes of a purple gradient with soft circles; no text, no people."""
    rng = random.Random(seed)
    width, height = size
    picture = PILImage.new("RGB", size)
    draw = ImageDraw.Draw(picture)
    top, bottom = (40, 12, 78), (176, 64, 146)
    for y in range(height):
        t = y / (height - 1)
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    overlay = PILImage.new("RGBA", size, (0, 0, 0, 0))
    shapes = ImageDraw.Draw(overlay)
    for _ in range(14):
        r = rng.randint(60, 260)
        x, y = rng.randint(0, width), rng.randint(0, height)
        tint = rng.choice([(255, 214, 240), (214, 196, 255), (255, 240, 250)])
        shapes.ellipse([x - r, y - r, x + r, y + r], fill=(*tint, rng.randint(30, 80)))
    picture = PILImage.alpha_composite(picture.convert("RGBA"), overlay).convert("RGB")
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def check_fields(row, allowed, label):
    """Refuse fields the loader does not know, so a typo is not silently ignored."""
    unknown = set(row) - set(allowed)
    if unknown:
        raise DemoDataError(f"{label}: unknown field(s) {', '.join(sorted(unknown))}")


def _describe(exc):
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}"
            for field, messages in exc.message_dict.items()
        )
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, KeyError):
        return f"missing field {exc}"
    return str(exc)


class Loader:
    """One run of the loader: the rows it saw, by kind and by what happened."""

    def __init__(self, data_dir=DATA_DIR):
        self.data_dir = Path(data_dir)
        self.counts = Counter()
        self.refs = {}

    # -- helpers ---------------------------------------------------------------

    @contextlib.contextmanager
    def entry(self, label):
        """Turn any failure while loading one entry into an error naming it."""
        try:
            yield
        except DemoDataError:
            raise
        except (
            KeyError,
            ValueError,
            TypeError,
            ValidationError,
            DatabaseError,
            InvalidOperation,
        ) as exc:
            raise DemoDataError(f"{label}: {_describe(exc)}") from exc

    def entries(self, data, table, allowed, *, key="slug", required=()):
        """Yield (label, entry) for each entry of a table, checking its fields."""
        seen = set()
        rows = data.get(table, [])
        if not isinstance(rows, list):
            raise DemoDataError(f"{table}: must be a list of tables ([[{table}]])")
        for i, row in enumerate(rows):
            ident = row.get(key) if isinstance(row, dict) else None
            label = f"{table}[{ident or i}]"
            if not isinstance(row, dict):
                raise DemoDataError(f"{label}: must be a table")
            check_fields(row, allowed, label)
            for field in (key, *required) if key else required:
                if field and row.get(field) in (None, ""):
                    raise DemoDataError(f"{label}: missing field '{field}'")
            if key:
                if ident in seen:
                    raise DemoDataError(f"{label}: duplicate {key} '{ident}'")
                seen.add(ident)
            yield label, row

    def ref(self, model, key, label):
        """A row loaded earlier in this run, by slug or key."""
        if key in (None, ""):
            return None
        found = self.refs.get(model, {}).get(key)
        if found is None:
            raise DemoDataError(f"{label}: unknown {model._meta.verbose_name} '{key}'")
        return found

    def refs_list(self, model, keys, label):
        if not isinstance(keys, list):
            raise DemoDataError(f"{label}: expected a list, got {keys!r}")
        return [self.ref(model, key, label) for key in keys]

    def remember(self, obj, key):
        self.refs.setdefault(type(obj), {})[key] = obj
        return obj

    def upsert(self, model, lookup, values, *, create_only=None):
        """Find by ``lookup``; create, or save only the fields that differ."""
        obj = model._default_manager.filter(**lookup).first()
        name = model._meta.verbose_name_plural
        if obj is None:
            obj = model(**lookup, **values, **(create_only or {}))
            self.counts[name, "created"] += 1
        else:
            changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
            if not changed:
                self.counts[name, "unchanged"] += 1
                return obj
            for field, value in changed.items():
                setattr(obj, field, value)
            self.counts[name, "updated"] += 1
        derived = [f.name for f in model._meta.fields if not f.editable]
        obj.full_clean(exclude=derived, validate_unique=False)
        obj.save()
        return obj

    def set_m2m(self, manager, objs):
        """Replace a many-to-many set; ``set`` only touches what differs."""
        manager.set(objs)

    # -- the knowledge base ----------------------------------------------------

    def load_knowledge_base(self, data):
        for label, row in self.entries(
            data, "franchises", {"slug", "name", "description"}, required=["name"]
        ):
            with self.entry(label):
                values = {
                    "name": row["name"],
                    "description": row.get("description", ""),
                }
                self.remember(
                    self.upsert(Franchise, {"slug": row["slug"]}, values), row["slug"]
                )

        for label, row in self.entries(
            data, "people", {"slug", "name", "bio"}, required=["name"]
        ):
            with self.entry(label):
                values = {"name": row["name"], "bio": row.get("bio", "")}
                self.remember(
                    self.upsert(Person, {"slug": row["slug"]}, values), row["slug"]
                )

        film_fields = {
            "slug",
            "title",
            "franchise",
            "format",
            "release",
            "production_status",
            "distributor",
            "based_on",
            "synopsis",
            "sequel_to",
        }
        for label, row in self.entries(data, "films", film_fields, required=["title"]):
            with self.entry(label):
                release_date, precision = (None, dates.Precision.YEAR)
                if row.get("release"):
                    release_date, precision = dates.parse(row["release"])
                values = {
                    "title": row["title"],
                    "franchise": self.ref(Franchise, row.get("franchise"), label),
                    "format": row.get("format", Film.Format.FEATURE),
                    "release_date": release_date,
                    "release_precision": precision,
                    "production_status": row.get(
                        "production_status", Film.ProductionStatus.RUMOURED
                    ),
                    "distributor": row.get("distributor", ""),
                    "based_on": row.get("based_on", ""),
                    "synopsis": row.get("synopsis", ""),
                    "sequel_to": self.ref(Film, row.get("sequel_to"), label),
                }
                self.remember(
                    self.upsert(Film, {"slug": row["slug"]}, values), row["slug"]
                )

        for i, row in enumerate(data.get("releases", [])):
            label = f"releases[{row.get('film', i)}]"
            with self.entry(label):
                check_fields(
                    row, {"film", "kind", "country", "date", "platform"}, label
                )
                day, precision = dates.parse(row["date"])
                lookup = {
                    "film": self.ref(Film, row["film"], label),
                    "country": row.get("country", ""),
                    "kind": row["kind"],
                }
                values = {
                    "date": day,
                    "precision": precision,
                    "platform": row.get("platform", ""),
                }
                self.upsert(Release, lookup, values)

        for label, row in self.entries(
            data,
            "characters",
            {"slug", "name", "franchise", "description"},
            required=["name"],
        ):
            with self.entry(label):
                values = {
                    "name": row["name"],
                    "franchise": self.ref(Franchise, row.get("franchise"), label),
                    "description": row.get("description", ""),
                }
                self.remember(
                    self.upsert(Character, {"slug": row["slug"]}, values), row["slug"]
                )

        credit_fields = {
            "film",
            "person",
            "job",
            "character",
            "billing_order",
            "status",
            "note",
        }
        for i, row in enumerate(data.get("credits", [])):
            who = " / ".join(str(row.get(f)) for f in ("film", "person", "job"))
            label = f"credits[{i}: {who}]"
            with self.entry(label):
                check_fields(row, credit_fields, label)
                film = self.ref(Film, row["film"], label)
                person = self.ref(Person, row["person"], label)
                character = self.ref(Character, row.get("character"), label)
                if character:
                    lookup = {"film": film, "person": person, "character": character}
                else:
                    lookup = {
                        "film": film,
                        "person": person,
                        "job": row["job"],
                        "character": None,
                    }
                values = {
                    "job": row["job"],
                    "billing_order": row.get("billing_order", 100),
                    "status": row.get("status", Credit.Status.REPORTED),
                    "note": row.get("note", ""),
                }
                if not character:
                    del values["job"]
                self.upsert(Credit, lookup, values)

        song_fields = {
            "slug",
            "title",
            "films",
            "performers",
            "writers",
            "status",
            "note",
            "awards",
        }
        for label, row in self.entries(data, "songs", song_fields, required=["title"]):
            with self.entry(label):
                values = {
                    "title": row["title"],
                    "status": row.get("status", Song.Status.RELEASED),
                    "note": row.get("note", ""),
                }
                song = self.remember(
                    self.upsert(Song, {"slug": row["slug"]}, values), row["slug"]
                )
                self.set_m2m(
                    song.films, self.refs_list(Film, row.get("films", []), label)
                )
                self.set_m2m(
                    song.performers,
                    self.refs_list(Person, row.get("performers", []), label),
                )
                self.set_m2m(
                    song.writers, self.refs_list(Person, row.get("writers", []), label)
                )
                for award in row.get("awards", []):
                    lookup = {
                        "song": song,
                        "name": award["name"],
                        "category": award.get("category", ""),
                    }
                    values = {
                        "year": award.get("year"),
                        "result": award.get("result", Award.Result.WON),
                    }
                    self.upsert(Award, lookup, values)

        source_fields = {
            "key",
            "kind",
            "title",
            "outlet",
            "url",
            "date",
            "speaker",
            "speaker_description",
            "on_record",
            "note",
        }
        for label, row in self.entries(
            data, "sources", source_fields, key="key", required=["kind", "title"]
        ):
            with self.entry(label):
                day, precision = (None, dates.Precision.DAY)
                if row.get("date"):
                    day, precision = dates.parse(row["date"])
                values = {
                    "kind": row["kind"],
                    "title": row["title"],
                    "outlet": row.get("outlet", ""),
                    "url": row.get("url", ""),
                    "date": day,
                    "date_precision": precision,
                    "speaker": self.ref(Person, row.get("speaker"), label),
                    "speaker_description": row.get("speaker_description", ""),
                    "on_record": row.get("on_record", True),
                    "note": row.get("note", ""),
                }
                self.remember(
                    self.upsert(Source, {"key": row["key"]}, values), row["key"]
                )

        claim_fields = {
            "key",
            "film",
            "person",
            "song",
            "property",
            "qualifier",
            "value",
            "date",
            "number",
            "person_value",
            "status",
            "sources",
            "note",
        }
        for label, row in self.entries(
            data,
            "claims",
            claim_fields,
            key="key",
            required=["property", "value", "sources"],
        ):
            with self.entry(label):
                self.load_claim(label, row)

    def load_claim(self, label, row):
        subjects = [name for name in ("film", "person", "song") if row.get(name)]
        if len(subjects) != 1:
            raise DemoDataError(
                f"{label}: name exactly one subject: film, person or song"
            )
        day, precision = (None, "")
        if row.get("date"):
            day, precision = dates.parse(row["date"])
        number = row.get("number")
        sources = self.refs_list(Source, row["sources"], label)
        if not sources:
            raise DemoDataError(f"{label}: a claim needs at least one source")
        values = {
            "film": self.ref(Film, row.get("film"), label),
            "person": self.ref(Person, row.get("person"), label),
            "song": self.ref(Song, row.get("song"), label),
            "property": row["property"],
            "qualifier": row.get("qualifier", ""),
            "value": row["value"],
            "value_date": day,
            "value_precision": precision,
            "value_number": None if number is None else Decimal(str(number)),
            "value_person": self.ref(Person, row.get("person_value"), label),
            "status": row.get("status", Claim.Status.REPORTED),
            "note": row.get("note", ""),
        }
        claim = self.upsert(Claim, {"key": row["key"]}, values)
        self.set_m2m(claim.sources, sources)
        self.remember(claim, row["key"])

    # -- the newsroom ----------------------------------------------------------

    def load_newsroom(self, data):
        for label, row in self.entries(
            data,
            "sections",
            {"slug", "name", "position", "description"},
            required=["name"],
        ):
            with self.entry(label):
                values = {
                    "name": row["name"],
                    "position": row.get("position", 10),
                    "description": row.get("description", ""),
                }
                self.remember(
                    self.upsert(Section, {"slug": row["slug"]}, values), row["slug"]
                )

        for label, row in self.entries(
            data,
            "authors",
            {"slug", "display_name", "role", "bio"},
            required=["display_name"],
        ):
            with self.entry(label):
                self.load_author(row)

        for label, row in self.entries(
            data,
            "accounts",
            {"username", "password", "email", "superuser", "group", "author"},
            key="username",
            required=["password"],
        ):
            with self.entry(label):
                self.load_account(label, row)

        for label, row in self.entries(
            data, "pages", {"url", "title", "content"}, key="url", required=["title"]
        ):
            with self.entry(label):
                page = self.upsert(
                    FlatPage,
                    {"url": row["url"]},
                    {"title": row["title"], "content": row.get("content", "")},
                )
                page.sites.add(Site.objects.get_current())

        article_fields = {
            "seed",
            "slug",
            "title",
            "dek",
            "kind",
            "section",
            "unconfirmed",
            "is_top_story",
            "authors",
            "tags",
            "films",
            "people",
            "songs",
            "citations",
            "image",
            "body",
            "quotes",
            "published",
            "writer",
            "editor",
        }
        for label, row in self.entries(
            data, "articles", article_fields, required=["title", "section", "body"]
        ):
            with self.entry(label):
                self.load_article(label, row)

    def load_author(self, row, user=None):
        values = {
            "display_name": row["display_name"],
            "role": row.get("role", ""),
            "bio": row.get("bio", ""),
            "user": user,
        }
        author = self.upsert(AuthorProfile, {"slug": row["slug"]}, values)
        return self.remember(author, row["slug"])

    def load_account(self, label, row):
        superuser = bool(row.get("superuser", False))
        group = None
        if row.get("group"):
            group = Group.objects.filter(name=row["group"]).first()
            if group is None:
                # A flushed database loses the groups its migrations made.
                from django.apps import apps

                from articles.roles import sync_roles

                sync_roles(apps)
                group = Group.objects.filter(name=row["group"]).first()
            if group is None:
                raise DemoDataError(
                    f"{label}: group '{row['group']}' does not exist; run migrate first"
                )
        flags = {"is_staff": True, "is_superuser": superuser, "is_active": True}
        if "email" in row:
            # Workflow mail reaches the demo's people (reserved example domain).
            flags["email"] = row["email"]
        user = User.objects.filter(username=row["username"]).first()
        if user is None:
            user = User(username=row["username"], **flags)
            # Set only on creation, so a re-run never resets a changed password.
            user.set_password(row["password"])
            user.save()
            self.counts["accounts", "created"] += 1
        elif any(getattr(user, k) != v for k, v in flags.items()):
            for field, value in flags.items():
                setattr(user, field, value)
            user.save(update_fields=list(flags))
            self.counts["accounts", "updated"] += 1
        else:
            self.counts["accounts", "unchanged"] += 1
        if group and not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
        self.remember(user, row["username"])
        if row.get("author"):
            self.load_author(row["author"], user=user)

    def lead_image(self, label, spec):
        check_fields(
            spec, {"title", "alt_text", "credit", "caption", "seed"}, f"{label}: image"
        )
        values = {
            "alt_text": spec["alt_text"],
            "credit": spec["credit"],
            "caption": spec.get("caption", ""),
        }
        existing = Image.objects.filter(title=spec["title"]).first()
        if existing:
            return self.upsert(Image, {"pk": existing.pk}, values)
        file = ContentFile(illustration(spec.get("seed", 0)), name="illustration.jpg")
        image = self.upsert(
            Image,
            {"title": spec["title"]},
            values,
            create_only={"file": file, "file_format": Image.Format.JPEG},
        )
        make_renditions(image)
        return image


    def load_article(self, label, row):
        image = self.lead_image(label, row["image"]) if row.get("image") else None
        values = {
            "title": row["title"],
            "dek": row.get("dek", ""),
            "body": body_html(row["body"]),
            "kind": row.get("kind", Article.Kind.NEWS),
            "section": self.ref(Section, row["section"], label),
            "unconfirmed": bool(row.get("unconfirmed", False)),
            "is_top_story": bool(row.get("is_top_story", False)),
            "lead_image": image,
        }
        writer = self.ref(User, row.get("writer", "writer"), f"{label}: writer")
        editor = self.ref(User, row.get("editor", "editor"), f"{label}: editor")
        published = row.get("published")
        if not isinstance(published, dt.datetime) or published.tzinfo is None:
            raise DemoDataError(
                f"{label}: 'published' must be a TOML date-time with an offset, "
                "such as 2025-10-15T08:00:00Z"
            )
        new = not Article.objects.filter(slug=row["slug"]).exists()
        # A new article starts as the writer's draft; the workflow below moves it.
        article = self.upsert(
            Article,
            {"slug": row["slug"]},
            values,
            create_only={"status": Article.Status.DRAFT, "created_by": writer},
        )

        authors = self.refs_list(AuthorProfile, row.get("authors", []), label)
        article.bylines.exclude(author__in=authors).delete()
        for position, author in enumerate(authors):
            self.upsert(
                Byline, {"article": article, "author": author}, {"position": position}
            )

        article.tags.set(row.get("tags", []))
        self.set_m2m(article.films, self.refs_list(Film, row.get("films", []), label))
        self.set_m2m(
            article.people, self.refs_list(Person, row.get("people", []), label)
        )
        self.set_m2m(article.songs, self.refs_list(Song, row.get("songs", []), label))

        cited = []
        for position, citation in enumerate(row.get("citations", [])):
            source = self.ref(Source, citation["source"], label)
            cited.append(source)
            self.upsert(
                Citation,
                {"article": article, "source": source},
                {"supports": citation.get("supports", ""), "position": position},
            )
        article.citations.exclude(source__in=cited).delete()
        claims = Claim.objects.filter(sources__in=cited).distinct().order_by("pk")
        self.set_m2m(article.claims, list(claims))

        quotes = row.get("quotes", [])
        for position, quote in enumerate(quotes):
            where = f"{label}: quotes[{position}]"
            check_fields(quote, QUOTE_FIELDS, where)
            values = {
                "speaker": self.ref(Person, quote.get("speaker"), where),
                "speaker_name": quote.get("speaker_name", ""),
                "words": join_quote(quote["words"]),
                "source": self.ref(Source, quote.get("source"), where),
                "context": quote.get("context", ""),
            }
            if (
                not (values["speaker"] or values["speaker_name"])
                or not values["source"]
            ):
                raise DemoDataError(f"{where}: a quote needs a speaker and a source")
            self.upsert(Quote, {"article": article, "position": position}, values)
        article.quotes.filter(position__gte=len(quotes)).delete()
        if new:
            self.publish(label, article, writer, editor, published)

    def publish(self, label, article, writer, editor, at):
        """Take a new seed article through the newsroom's workflow, then date it.

        The writer saves, submits; the editor approves and publishes, all
        through the services, so the publish checks run and the article has its
        revision and transitions. The services stamp today; the story happened
        on the seed's date, so the record is moved back to it, in order.
        """
        try:
            services.record_save(article, by=writer, created=True)
            services.submit_for_review(article, by=writer)
            services.approve(article, by=editor)
            services.publish(article, by=editor)
        except PermissionDenied as exc:
            raise DemoDataError(f"{label}: the newsroom refused it: {exc}") from exc
        except ValidationError as exc:
            raise DemoDataError(
                f"{label}: the newsroom refused it: {' '.join(exc.messages)}"
            ) from exc
        steps = Transition.objects.filter(article=article).order_by("at", "pk")
        count = steps.count()
        for i, step in enumerate(steps):
            Transition.objects.filter(pk=step.pk).update(
                at=at - dt.timedelta(hours=count - 1 - i)
            )
        started = at - dt.timedelta(hours=count - 1)
        article.revisions.update(created_at=started)
        Article.objects.filter(pk=article.pk).update(
            created_at=started,
            edited_at=at,
            published_at=at,
            first_published_at=at,
        )

    # -- the run ---------------------------------------------------------------

    def load_live_blogs(self, data):
        """Live blogs: an article of kind "live", then its updates by the accounts.

        Each update is found again by its time (publication plus ``minutes``),
        so a second run changes nothing.
        """
        fields = LIVE_BLOG_FIELDS | {"updates"}
        for label, row in self.entries(
            data, "live_blogs", fields, required=["title", "section", "body"]
        ):
            with self.entry(label):
                article_row = {k: v for k, v in row.items() if k != "updates"}
                article_row["kind"] = Article.Kind.LIVE
                self.load_article(label, article_row)
                article = Article.objects.get(slug=row["slug"], draft_of=None)
                start = article.first_published_at
                for position, update in enumerate(row.get("updates", [])):
                    where = f"{label}: updates[{position}]"
                    check_fields(update, LIVE_UPDATE_FIELDS, where)
                    self.load_live_update(where, article, start, update)

    def load_live_update(self, label, article, start, row):
        user = self.ref(User, row.get("account", "writer"), f"{label}: account")
        minutes = row.get("minutes", 0)
        if not isinstance(minutes, int) or minutes < 0:
            raise DemoDataError(f"{label}: 'minutes' must be a whole number ≥ 0")
        at = start + dt.timedelta(minutes=minutes)
        values = {
            "title": row.get("title", ""),
            "body": body_html(row["body"]),
            "key_event": bool(row.get("key_event", False)),
        }
        existing = LiveUpdate.objects.filter(article=article, posted_at=at).first()
        name = LiveUpdate._meta.verbose_name_plural
        if existing is None:
            try:
                update = liveblog.post_update(article, by=user, **values)
            except PermissionDenied as exc:
                raise DemoDataError(f"{label}: the newsroom refused it: {exc}") from exc
            LiveUpdate.objects.filter(pk=update.pk).update(posted_at=at)
            self.counts[name, "created"] += 1
            return
        changed = {k: v for k, v in values.items() if getattr(existing, k) != v}
        if existing.author_id != user.pk:
            changed["author"] = user
        if not changed:
            self.counts[name, "unchanged"] += 1
            return
        LiveUpdate.objects.filter(pk=existing.pk).update(**changed)
        self.counts[name, "updated"] += 1

    def run(self):
        self.load_knowledge_base(read_toml(self.data_dir / KNOWLEDGE_BASE))
        self.load_newsroom(read_toml(self.data_dir / ARTICLES))
        if (self.data_dir / LIVE_BLOGS).exists():
            self.load_live_blogs(read_toml(self.data_dir / LIVE_BLOGS))
        return self

    def summary(self):
        """A few lines for the operator: what exists now and what this run did."""
        done = Counter()
        for (_, action), n in self.counts.items():
            done[action] += n
        totals = [
            f"{Franchise.objects.count()} franchises",
            f"{Film.objects.count()} films and series",
            f"{Person.objects.count()} people",
            f"{Credit.objects.count()} credits",
            f"{Song.objects.count()} songs",
            f"{Source.objects.count()} sources",
            f"{Claim.objects.count()} claims "
            f"({Claim.objects.conflicting().count()} in conflict)",
            f"{Article.objects.count()} articles",
        ]
        lines = [
            "Demo data loaded: " + ", ".join(totals) + ".",
            f"This run: {done['created']} created, {done['updated']} updated, "
            f"{done['unchanged']} unchanged.",
        ]
        return "\n".join(lines)


def load(data_dir=DATA_DIR):
    """Load both files; the caller provides the transaction."""
    return Loader(data_dir).run()
