"""One home per rule: the admin's buttons are available_actions, and they work."""

import ast
import datetime as dt
import pathlib

import pytest
from django.utils import timezone

from articles import checks, permissions, services
from articles.admin import ACTION_FIELD, ArticleAdmin
from articles.models import Article, Revision, Transition
from tests.factories import change_post, change_url, draft_by, in_state, make_writer

pytestmark = pytest.mark.django_db
Status = Article.Status
Action = Transition.Action
ROOT = pathlib.Path(__file__).resolve().parents[2]

# Each button, the intermediate form's answers it needs, and the audit entry it
# leaves when it succeeds.
BUTTONS = {
    "submit_for_review": ({}, Action.SUBMIT),
    "approve": ({}, Action.APPROVE),
    "request_changes": ({"comment": "Cite the call."}, Action.REQUEST_CHANGES),
    "publish_now": ({}, Action.PUBLISH),
    "schedule": ({"at": "2099-01-01T10:00"}, Action.SCHEDULE),
    "unpublish": ({"reason": "Legal asked."}, Action.UNPUBLISH),
    "retract": ({"note": "It was wrong."}, Action.RETRACT),
    # The note-only correction; fixing the text opens a new version
    # (tests/articles/test_corrections_versions.py).
    "add_correction": (
        {"kind": "correction", "text": "Fixed.", "how": "note"},
        Action.CORRECT,
    ),
    "start_new_version": ({}, Action.NEW_VERSION),
    "move_to_trash": ({}, Action.DELETE),
    "restore": ({}, Action.RESTORE),
}
STATES = ["draft", "in_review", "approved", "scheduled", "published", "retracted"]


def article_in(state, owner):
    if state == "trashed":
        article = draft_by(owner)
        Article.objects.filter(pk=article.pk).update(deleted_at=timezone.now())
        article.refresh_from_db()
        return article
    article = in_state(state, owner)
    if state == "scheduled":
        later = timezone.now() + dt.timedelta(days=1)
        Article.objects.filter(pk=article.pk).update(
            published_at=later, first_published_at=later
        )
        article.refresh_from_db()
    return article


def press(client, article, name):
    """The POST the button sends, confirmed with its form's answers if it asks."""
    answers, _ = BUTTONS[name]
    data = {ACTION_FIELD: name, "_selected_action": str(article.pk)}
    if answers:
        data["_confirm"] = "1"
        data.update({f"workflow-{key}": value for key, value in answers.items()})
    return client.post(change_url(article), data)


def shown(client, article):
    response = client.get(change_url(article))
    if response.status_code != 200:
        return []
    return [name for name, _ in response.context["workflow_buttons"]]


@pytest.mark.parametrize("state", [*STATES, "trashed"])
@pytest.mark.parametrize("who", ["own writer", "other writer", "editor"])
def test_every_button_shown_succeeds_and_every_other_action_is_refused(
    client, writer, editor, state, who
):
    user = {"own writer": writer, "other writer": make_writer(), "editor": editor}[who]
    client.force_login(user)
    buttons = shown(client, article_in(state, writer))
    assert buttons == permissions.available_actions(article_in(state, writer), user)
    for name, (_, action) in BUTTONS.items():
        article = article_in(state, writer)
        response = press(client, article, name)
        assert response.status_code in {200, 302, 403}, (name, response.status_code)
        done = Transition.objects.filter(article=article, action=action).exists()
        assert done == (name in buttons), (who, state, name, response.status_code)


def test_an_editor_on_a_new_version_is_offered_publish_and_schedule(
    client, writer, editor
):
    live = in_state(Status.PUBLISHED, writer)
    version = services.start_new_version(live, by=writer)
    services.submit_for_review(version, by=writer)
    services.approve(version, by=editor)
    client.force_login(editor)
    buttons = shown(client, version)
    assert "publish_now" in buttons
    assert "schedule" in buttons


def test_a_failed_check_runs_the_checks_once_per_click(
    client, writer, editor, monkeypatch
):
    article = in_state(Status.APPROVED, writer, kind=Article.Kind.NEWS)  # no source
    calls = []
    real = checks.publish_problems

    def counted(article):
        calls.append(article.pk)
        return real(article)

    monkeypatch.setattr(checks, "publish_problems", counted)
    client.force_login(editor)
    response = press(client, article, "publish_now")
    assert response.status_code == 200
    assert response.context["problems"] == [
        "News pieces must cite at least one source."
    ]
    assert calls == [article.pk]


def test_a_failed_check_is_one_exception_carrying_every_problem(writer):
    article = in_state(Status.APPROVED, writer, kind=Article.Kind.NEWS)
    article.quotes.create(words="Words nobody said", speaker_name="")
    with pytest.raises(checks.PublishBlocked) as blocked:
        checks.check_publishable(article)
    assert len(blocked.value.problems) == 3
    assert blocked.value.messages == blocked.value.problems


def test_a_refused_save_is_not_written_while_the_form_renders(
    client, writer, monkeypatch
):
    article = draft_by(writer)
    stale = change_post(article, title="Typed over", base_version=article.version - 1)
    written_while_rendering = []
    real = ArticleAdmin.render_change_form

    def watched(self, request, context, *args, **kwargs):
        before = Revision.objects.count()
        response = real(self, request, context, *args, **kwargs)
        written_while_rendering.append(Revision.objects.count() - before)
        return response

    monkeypatch.setattr(ArticleAdmin, "render_change_form", watched)
    client.force_login(writer)
    response = client.post(change_url(article), stale)
    assert response.status_code == 200
    assert written_while_rendering == [0]
    refused = Revision.objects.get(kind=Revision.Kind.REFUSED)
    assert refused.data["title"] == "Typed over"
    assert response.context["conflict"]["revision"] == refused


# No import cycles inside an app ---------------------------------------------------

# Edges a cycle may keep on purpose: none.
KNOWN = set()


def _modules(app):
    found = {}
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imports(path, modules):
    """Modules of the same app ``path`` imports, at the top or inside a function."""
    deps = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            deps |= {node.module} & modules.keys()
            deps |= {f"{node.module}.{a.name}" for a in node.names} & modules.keys()
        elif isinstance(node, ast.Import):
            deps |= {a.name for a in node.names} & modules.keys()
    return deps


def _cycles(graph):
    cycles, done, stack = [], set(), []

    def visit(module):
        stack.append(module)
        for dep in sorted(graph[module]):
            if dep in stack:
                cycles.append(stack[stack.index(dep) :] + [dep])
            elif dep not in done:
                visit(dep)
        stack.pop()
        done.add(module)

    for module in sorted(graph):
        if module not in done:
            visit(module)
    return cycles


@pytest.mark.parametrize("app", ["articles", "franchise", "newsroom"])
def test_no_module_imports_another_that_imports_it_back(app):
    modules = _modules(app)
    graph = {
        name: {dep for dep in _imports(path, modules) if (name, dep) not in KNOWN}
        - {name}
        for name, path in modules.items()
    }
    assert _cycles(graph) == []


def test_the_cycle_check_finds_the_cycle_workflow_and_revisions_had():
    graph = {
        "articles.workflow": {"articles.revisions"},
        "articles.revisions": {"articles.workflow"},
    }
    assert _cycles(graph) == [
        ["articles.revisions", "articles.workflow", "articles.revisions"]
    ]


def test_workflow_is_gone_and_nothing_imports_it():
    assert not (ROOT / "articles" / "workflow.py").exists()
    for app in ["articles", "franchise", "newsroom", "tests"]:
        for path in (ROOT / app).rglob("*.py"):
            if path != pathlib.Path(__file__):
                text = path.read_text()
                assert "articles.workflow" not in text, path
                assert "import workflow" not in text, path
