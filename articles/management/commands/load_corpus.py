"""Bulk-load a benchmark corpus (JSON Lines from shared/bench/corpus.py) as articles."""

import datetime as dt
import hashlib
import json
import re
import time

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from articles import search
from articles.models import (
    RESERVED_SLUGS,
    Article,
    AuthorProfile,
    Byline,
    Citation,
    Section,
)
from articles.sanitize import clean_html
from franchise.models import Source

BATCH_SIZE = 1000
SLUG = re.compile(r"^[a-z0-9-]{1,80}$")
# The corpus's source kinds, in our vocabulary.
SOURCE_KINDS = {
    "review": Source.Kind.OUTLET_REPORT,
    "interview": Source.Kind.INTERVIEW,
    "press-release": Source.Kind.PRESS_RELEASE,
    "box-office": Source.Kind.DATA,
    "chart": Source.Kind.DATA,
    "social": Source.Kind.SOCIAL_POST,
    "trade-report": Source.Kind.OUTLET_REPORT,
}
FIELDS = {
    "title": str,
    "slug": str,
    "dek": str,
    "body_html": str,
    "tags": list,
    "authors": list,
    "published_at": str,
    "section": str,
    "sources": list,
}
PARALLEL_SETTINGS = [
    "parallel_setup_cost = 0",
    "parallel_tuple_cost = 0",
    "min_parallel_table_scan_size = 0",
    "min_parallel_index_scan_size = 0",
]
# Loads at least this big rebuild the search index instead of updating it.
REBUILD_INDEX_FROM = 1000


class Command(BaseCommand):
    help = (
        "Load articles from a corpus.jsonl made by shared/bench/corpus.py. "
        "Skips slugs that already exist; loads nothing if any line is malformed."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .jsonl file to load.")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)

    def handle(self, path, batch_size, **options):
        started = time.perf_counter()
        records = read_corpus(path)
        read_at = time.perf_counter()
        with transaction.atomic():
            pks = load(records, batch_size=batch_size)
            written_at = time.perf_counter()
            if pks:
                index(pks)
        done_at = time.perf_counter()
        skipped = len(records) - len(pks)
        self.stdout.write(
            f"Loaded {len(pks)} articles ({skipped} already present) "
            f"in {done_at - started:.2f} s."
        )
        if options["verbosity"] > 1:
            self.stdout.write(
                f"  read and check {read_at - started:.2f} s, "
                f"write {written_at - read_at:.2f} s, "
                f"search index {done_at - written_at:.2f} s"
            )


def read_corpus(path):
    """Every record of the file, checked; a bad line stops everything before writing."""
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
    records, slugs = [], set()
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = check_record(json.loads(line))
            except (ValueError, TypeError, KeyError) as error:
                raise CommandError(f"{path}, line {number}: {error}") from None
            if record["slug"] in slugs:
                raise CommandError(
                    f"{path}, line {number}: slug {record['slug']!r} appears twice."
                )
            slugs.add(record["slug"])
            records.append(record)
    return records


def check_record(record):
    if not isinstance(record, dict):
        raise ValueError("expected a JSON object.")
    for field, kind in FIELDS.items():
        if field not in record:
            raise ValueError(f"missing field {field!r}.")
        if not isinstance(record[field], kind):
            raise ValueError(f"field {field!r} should be a {kind.__name__}.")
    if not SLUG.match(record["slug"]):
        raise ValueError(f"slug {record['slug']!r} is not a-z, 0-9 and hyphens.")
    if not record["title"].strip() or len(record["title"]) > 300:
        raise ValueError("title must be 1 to 300 characters.")
    if not record["section"].strip() or not slugify(record["section"]):
        raise ValueError("section is empty.")
    for name in record["tags"] + record["authors"]:
        if not isinstance(name, str) or not name.strip() or len(name) > 100:
            raise ValueError(f"bad tag or author name {name!r}.")
    for source in record["sources"]:
        if not isinstance(source, dict) or not {"name", "url", "kind"} <= set(source):
            raise ValueError("each source needs name, url and kind.")
        if source["kind"] not in SOURCE_KINDS:
            raise ValueError(f"unknown source kind {source['kind']!r}.")
    record["published_at"] = dt.datetime.fromisoformat(record["published_at"])
    if record["published_at"].tzinfo is None:
        raise ValueError("published_at needs a time zone (e.g. a trailing Z).")
    return record


def load(records, *, batch_size):
    """Write the new records in set-based steps; return the new articles' ids."""
    existing = set(Article.objects.values_list("slug", flat=True))
    records = [r for r in records if r["slug"] not in existing]
    if not records:
        return []
    sections = get_sections({r["section"] for r in records})
    authors = get_authors({name for r in records for name in r["authors"]})
    tags = get_tags({name for r in records for name in r["tags"]})
    sources = get_sources([s for r in records for s in r["sources"]])

    articles = [
        Article(
            title=r["title"],
            slug=r["slug"],
            dek=r["dek"],
            body=clean_html(r["body_html"]),
            section=sections[r["section"]],
            status=Article.Status.PUBLISHED,
            published_at=r["published_at"],
            first_published_at=r["published_at"],
        )
        for r in records
    ]
    if connection.vendor == "postgresql":
        copy_rows(Article, articles, skip={"id", "search_vector"})
        ids = dict(
            Article.objects.filter(slug__in=[a.slug for a in articles])
            .filter(draft_of__isnull=True)
            .values_list("slug", "pk")
        )
        for article in articles:
            article.pk = ids[article.slug]
    else:
        Article.objects.bulk_create(articles, batch_size=batch_size)

    content_type = ContentType.objects.get_for_model(Article)
    bylines, tagged, citations = [], [], []
    for article, r in zip(articles, records, strict=True):
        for position, name in enumerate(r["authors"]):
            bylines.append(
                Byline(article=article, author=authors[name], position=position)
            )
        for name in r["tags"]:
            tagged.append(
                TaggedItem(
                    content_type=content_type,
                    object_id=article.pk,
                    tag=tags[name.lower()],
                )
            )
        for position, source in enumerate(r["sources"]):
            citations.append(
                Citation(
                    article=article,
                    source=sources[source["url"]],
                    position=position,
                )
            )
    # A corpus could repeat an author or tag on one article; the constraints allow
    # one row, so duplicates are skipped rather than fatal.
    bylines = unique(bylines, lambda b: (b.article.pk, b.author_id))
    tagged = unique(tagged, lambda t: (t.object_id, t.tag_id))
    citations = unique(citations, lambda c: (c.article.pk, c.source_id))
    if connection.vendor == "postgresql":
        copy_rows(Byline, bylines, skip={"id"})
        copy_rows(TaggedItem, tagged, skip={"id"})
        copy_rows(Citation, citations, skip={"id"})
    else:
        Byline.objects.bulk_create(bylines, batch_size=batch_size)
        TaggedItem.objects.bulk_create(tagged, batch_size=batch_size)
        Citation.objects.bulk_create(citations, batch_size=batch_size)
    return [article.pk for article in articles]


def unique(rows, key):
    """The rows with the first of each key, in order."""
    seen = set()
    kept = []
    for row in rows:
        if key(row) not in seen:
            seen.add(key(row))
            kept.append(row)
    return kept


def copy_rows(model, objects, skip):
    """PostgreSQL: write unsaved instances with COPY, the fastest way in.

    Values go through each field's own preparation (defaults, auto_now), as
    bulk_create would; the database fills the identity column.
    """
    fields = [
        f
        for f in model._meta.concrete_fields
        if f.attname not in skip and f.name not in skip
    ]
    for obj in objects:
        for f in fields:
            f.pre_save(obj, add=True)  # auto_now_add and auto_now timestamps
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"COPY {table} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for obj in objects:
            copy.write_row(
                [
                    f.get_db_prep_save(getattr(obj, f.attname), connection)
                    for f in fields
                ]
            )


def section_slug(name):
    slug = slugify(name)[:50]
    # "People" would shadow /people/ (the knowledge base): give it its own address.
    return f"{slug[:45]}-news" if slug in RESERVED_SLUGS else slug


def get_sections(names):
    by_slug = {section_slug(name): name for name in names}
    found = {s.slug: s for s in Section.objects.filter(slug__in=by_slug)}
    Section.objects.bulk_create(
        Section(name=name, slug=slug)
        for slug, name in by_slug.items()
        if slug not in found
    )
    found.update({s.slug: s for s in Section.objects.filter(slug__in=by_slug)})
    return {name: found[slug] for slug, name in by_slug.items()}


def get_authors(names):
    by_slug = {slugify(name)[:80]: name for name in names}
    found = {a.slug: a for a in AuthorProfile.objects.filter(slug__in=by_slug)}
    AuthorProfile.objects.bulk_create(
        AuthorProfile(display_name=name, slug=slug)
        for slug, name in by_slug.items()
        if slug not in found
    )
    found.update({a.slug: a for a in AuthorProfile.objects.filter(slug__in=by_slug)})
    return {name: found[slug] for slug, name in by_slug.items()}


def get_tags(names):
    """Tags by lower-case name (TAGGIT_CASE_INSENSITIVE), creating missing ones."""
    wanted = {name.lower(): name for name in names}
    found = {t.name.lower(): t for t in Tag.objects.all()}
    taken = {t.slug for t in found.values()}
    new = []
    for key, name in wanted.items():
        if key in found:
            continue
        base = slugify(name)[:90] or "tag"
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug)
        new.append(Tag(name=name, slug=slug))
    Tag.objects.bulk_create(new)
    found.update({t.name.lower(): t for t in Tag.objects.filter(slug__in=taken)})
    return {key: found[key] for key in wanted}


def in_chunks(queryset, field, values, size=10_000):
    """Rows whose ``field`` is in ``values``, a bounded number of parameters at a time."""
    values = list(values)
    for start in range(0, len(values), size):
        yield from queryset.filter(**{f"{field}__in": values[start : start + size]})


def source_key(url):
    return "corpus-" + hashlib.sha256(url.encode()).hexdigest()[:24]


def get_sources(entries):
    by_key = {source_key(e["url"]): e for e in entries}
    found = {s.key: s for s in in_chunks(Source.objects.all(), "key", by_key)}
    Source.objects.bulk_create(
        [
            Source(
                key=key,
                kind=SOURCE_KINDS[e["kind"]],
                title=e["name"][:300],
                outlet=e["name"][:200],
                url=e["url"][:500],
                date=None,
            )
            for key, e in by_key.items()
            if key not in found
        ],
        batch_size=BATCH_SIZE,
    )
    found.update({s.key: s for s in in_chunks(Source.objects.all(), "key", by_key)})
    return {e["url"]: found[key] for key, e in by_key.items()}


def drop_gin_indexes(cursor):
    """Drop the articles table's GIN indexes; return the SQL that recreates them."""
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes "
        "WHERE tablename = %s AND indexdef LIKE %s",
        [Article._meta.db_table, "% USING gin %"],
    )
    rows = cursor.fetchall()
    for name, _definition in rows:
        cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [definition for _name, definition in rows]


def index(pks):
    """Search index for the new rows, set-based and in parallel where possible."""
    if connection.vendor == "postgresql":
        vector = search.search_vector_expression()
        with connection.cursor() as cursor:
            # One transaction: a crash loses the whole load, never half of it,
            # so waiting for the disk at commit buys nothing.
            cursor.execute("SET LOCAL synchronous_commit = off")
            # Rebuilding the GIN index once is far cheaper than updating it
            # row by row; the definition is read back, so it stays the
            # migration's.
            gin = drop_gin_indexes(cursor) if len(pks) >= REBUILD_INDEX_FROM else []
            # Stemming is the slow part: a parallel SELECT spreads it over every
            # core (an UPDATE cannot), and the UPDATE only copies the vectors.
            for setting in PARALLEL_SETTINGS:
                cursor.execute(f"SET LOCAL {setting}")
            rows = (
                Article.objects.filter(pk__in=pks)
                .annotate(new_vector=vector)
                .values("pk", "new_vector")
            )
            select, params = rows.query.sql_with_params()
            cursor.execute("DROP TABLE IF EXISTS corpus_vectors")
            cursor.execute(
                "CREATE TEMP TABLE corpus_vectors (id, new_vector) ON COMMIT DROP "
                f"AS {select}",
                params,
            )
            cursor.execute(
                "UPDATE articles_article AS a SET search_vector = v.new_vector "
                "FROM corpus_vectors AS v WHERE a.id = v.id"
            )
            cursor.execute("DROP TABLE corpus_vectors")
            # CREATE INDEX refuses to run while foreign key checks are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for definition in gin:
                cursor.execute(definition)
            # Fresh statistics: without them the planner guesses wrong on the
            # first pages served from the new rows.
            for model in (Article, Byline, TaggedItem, Citation):
                cursor.execute(
                    f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}"
                )
    else:
        search.rebuild_search_index()
