"""Full-text search over published articles, on PostgreSQL and on SQLite.

PostgreSQL keeps a weighted ``search_vector`` (title A, dek B, body C) behind a
GIN index. SQLite has no tsvector, so migration 0004 creates an FTS5 table,
``article_fts``, whose rowid is the article id. Both paths return the same
thing: published articles with a ``rank`` (higher is better) and a ``snippet``
that is safe HTML with the matches wrapped in ``<mark>``.
"""

import html
import re

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection
from django.db.models import F, FloatField, Func, Q, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat, Left
from django.utils.safestring import mark_safe

from articles.models import Article

CONFIG = "english"
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
SNIPPET_WORDS = 30
# Matches ranked per query, newest first: ten pages of twenty.
SEARCH_WINDOW = 200
# PostgreSQL's headline reads this much of the body: a snippet from the start of
# a long article costs a fraction of one from the whole of it.
SNIPPET_SOURCE_CHARS = 1000
# Private-use characters mark matches inside snippets; the text around them is
# escaped first, then they become <mark> tags, so the document can never add HTML.
START, STOP = "\ue000", "\ue001"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ue000\ue001]")
_TAG = re.compile(r"<[^<>]*>")
_TOKEN = re.compile(r'(-?)"([^"]*)"|([^\s"]+)')


def is_postgresql():
    return connection.vendor == "postgresql"


def clean_query(q):
    """The user's query without control characters, trimmed to a sane length."""
    return " ".join(_UNSAFE.sub(" ", q or "").split())[:MAX_QUERY_LENGTH]


def plain_text(markup):
    """Text of stored HTML: tags removed, entities decoded, markers dropped."""
    text = html.unescape(_TAG.sub(" ", markup or ""))
    return " ".join(_UNSAFE.sub(" ", text).split())


def _snippet(raw, *, decode_entities):
    """Escape a marked excerpt, then turn the match markers into <mark>.

    The excerpt is plain text (SQLite, which indexes ``plain_text``) or text with
    its tags removed but entities left (PostgreSQL's headline of the body).
    """
    text = html.unescape(raw or "") if decode_entities else raw or ""
    text = html.escape(" ".join(_CONTROL.sub(" ", text).split()))
    text = re.sub(f"{START}([^{START}{STOP}]*){STOP}", r"<mark>\1</mark>", text)
    # Unbalanced markers (a match cut by the excerpt's edge) are dropped.
    text = text.replace(START, "").replace(STOP, "")
    return mark_safe(text)  # noqa: S308 -- every character went through html.escape


# Parsing -------------------------------------------------------------------


def parse_query(q):
    """Split websearch-style input into (groups, excluded).

    ``groups`` is a list of OR-groups that must all match; each group is a list
    of phrases (a phrase is a list of words). ``excluded`` lists phrases that must
    not match. ``"exact phrase"``, ``OR`` and ``-word`` are understood; anything
    else is a plain word.
    """
    q = clean_query(q)
    # A quoted phrase or a run of non-space; an unmatched quote is just a space.
    tokens = [sign + phrase or word for sign, phrase, word in _TOKEN.findall(q)]
    groups, excluded, join_next = [], [], False
    for part in tokens[: MAX_TERMS * 2]:
        if part == "OR":
            join_next = bool(groups)
            continue
        negative = part.startswith("-") and len(part) > 1
        words = re.findall(r"\w+", part[1:] if negative else part)
        if not words:
            continue
        if negative:
            excluded.append(words)
        elif join_next:
            groups[-1].append(words)
        else:
            groups.append([words])
        join_next = False
    return groups[:MAX_TERMS], excluded[:MAX_TERMS]


def fts5_expression(groups, excluded):
    """An FTS5 MATCH expression in which every word is a quoted string."""

    def phrase(words):
        return '"' + " ".join(words) + '"'

    def group(phrases):
        return "(" + " OR ".join(phrase(p) for p in phrases) + ")"

    expression = "(" + " AND ".join(group(g) for g in groups) + ")"
    for words in excluded:
        expression += f" NOT {phrase(words)}"
    return expression


# Keeping the index current ---------------------------------------------------


def _body_text_sql(body=None):
    """PostgreSQL: the body (or an expression of it) with tags replaced by spaces."""
    return Func(
        body if body is not None else F("body"),
        Value("<[^>]*>"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


def search_vector_expression():
    return (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("dek", weight="B", config=CONFIG)
        + SearchVector(_body_text_sql(), weight="C", config=CONFIG)
    )


def _clean(text):
    """Title and dek are plain text already; only the markers must go."""
    return _UNSAFE.sub(" ", text or "")


def _fts_write(rows):
    with connection.cursor() as cursor:
        cursor.executemany(
            "DELETE FROM article_fts WHERE rowid = %s", [(r[0],) for r in rows]
        )
        cursor.executemany(
            "INSERT INTO article_fts (rowid, title, dek, body) VALUES (%s, %s, %s, %s)",
            [(pk, _clean(t), _clean(d), plain_text(b)) for pk, t, d, b in rows],
        )


def update_search_vector(article):
    """Re-index one saved article; call it after every save of title, dek or body."""
    if is_postgresql():
        Article.objects.filter(pk=article.pk).update(
            search_vector=search_vector_expression()
        )
    elif connection.vendor == "sqlite":
        _fts_write([(article.pk, article.title, article.dek, article.body)])


def reindex_saved_article(sender, instance, update_fields=None, **kwargs):
    """post_save: keep the index derived from the row's own text current."""
    if update_fields is None or {"title", "dek", "body"} & set(update_fields):
        update_search_vector(instance)


def rebuild_search_index():
    """Re-index every article, e.g. after a bulk load that skipped save()."""
    if is_postgresql():
        Article.objects.update(search_vector=search_vector_expression())
    elif connection.vendor == "sqlite":
        rows = list(Article.objects.values_list("pk", "title", "dek", "body"))
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM article_fts")
        _fts_write(rows)


# Querying --------------------------------------------------------------------


def search_articles(q, section=None, kind=None, date_from=None, date_to=None):
    """Published articles matching ``q``, best first, annotated with ``rank``.

    Only the newest ``SEARCH_WINDOW`` matches are ranked: more than anyone pages
    through, and what keeps a common word from ranking the whole archive. Slice
    the page you show (see :func:`page_of`) and pass it through
    :func:`with_snippets` to get ``snippet``; nothing counts every match.
    """
    groups, excluded = parse_query(q)
    articles = Article.objects.published()
    if section:
        articles = articles.filter(section__slug=section)
    if kind:
        articles = articles.filter(kind=kind)
    if date_from:
        articles = articles.filter(published_at__date__gte=date_from)
    if date_to:
        articles = articles.filter(published_at__date__lte=date_to)
    if not groups:
        return articles.none()
    if is_postgresql():
        query = SearchQuery(clean_query(q), search_type="websearch", config=CONFIG)
        matches = articles.filter(search_vector=query)
    else:
        match = fts5_expression(groups, excluded)
        matches = articles.filter(
            pk__in=RawSQL(
                "SELECT rowid FROM article_fts WHERE article_fts MATCH %s", [match]
            )
        )
    window = matches.order_by("-published_at", "-pk").values("pk")[:SEARCH_WINDOW]
    articles = Article.objects.filter(pk__in=window)
    if is_postgresql():
        document = Concat(
            "dek",
            Value(" \u2014 "),
            _body_text_sql(Left("body", SNIPPET_SOURCE_CHARS)),
            output_field=TextField(),
        )
        # The headline is computed after ORDER BY ... LIMIT, for the shown page
        # only; the bodies and vectors themselves never leave the database.
        articles = articles.defer("body", "search_vector").annotate(
            rank=SearchRank(F("search_vector"), query),
            raw_snippet=SearchHeadline(
                document,
                query,
                config=CONFIG,
                start_sel=START,
                stop_sel=STOP,
                max_words=SNIPPET_WORDS,
                min_words=12,
            ),
        )
    else:
        this_row = " FROM article_fts WHERE article_fts MATCH %s AND rowid = articles_article.id"
        articles = articles.defer("body").annotate(
            # bm25 is lower-is-better; negate it so rank means the same everywhere.
            # The user's text only ever travels as a query parameter.
            rank=RawSQL(  # noqa: S611
                "SELECT -bm25(article_fts, 10.0, 5.0, 1.0)" + this_row,
                [match],
                output_field=FloatField(),
            ),
            raw_snippet=RawSQL(  # noqa: S611
                f"SELECT snippet(article_fts, -1, %s, %s, ' … ', {SNIPPET_WORDS})"
                + this_row,
                [START, STOP, match],
                output_field=TextField(),
            ),
        )
    return articles.order_by("-rank", "-published_at", "-pk")


def page_of(results, number, size):
    """One page of ``results`` and whether another follows: size + 1 rows read."""
    start = (number - 1) * size
    rows = list(results[start : start + size + 1])
    return rows[:size], len(rows) > size


def with_snippets(articles):
    """Turn each article's raw snippet into safe HTML, as ``snippet``."""
    for article in articles:
        article.snippet = _snippet(
            getattr(article, "raw_snippet", ""), decode_entities=is_postgresql()
        )
    return articles


def search_films(q, limit=10):
    from franchise.models import Film

    return _by_name(Film.objects.all(), "title", q, limit)


def search_people(q, limit=10):
    from franchise.models import Person

    return _by_name(Person.objects.all(), "name", q, limit)


def search_songs(q, limit=10):
    from franchise.models import Song

    return _by_name(Song.objects.all(), "title", q, limit)


def _by_name(queryset, field, q, limit):
    """Small tables: each query word (or one of an OR-group) appears in the name."""
    groups, _ = parse_query(q)
    if not groups:
        return []
    for group in groups:
        either = Q()
        for words in group:
            either |= Q(**{f"{field}__icontains": " ".join(words)})
        queryset = queryset.filter(either)
    return list(queryset.order_by(field)[:limit])
