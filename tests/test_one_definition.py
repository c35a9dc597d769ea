"""Each rule and helper is written once: checked over the source tree."""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
APPS = ["articles", "franchise", "newsroom"]
# Helpers every kind of test needs; tests/factories.py is their one home.
SHARED_HELPERS = {"draft_by", "in_state", "change_url", "inline_management", "change_post"}


def python_files(*folders):
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


@pytest.mark.parametrize("app", APPS)
def test_no_code_falls_back_for_a_module_that_exists(app):
    fallbacks = []
    for path in python_files(app):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                names = {n.id for n in ast.walk(node.type) if isinstance(n, ast.Name)}
                if names & {"ImportError", "ModuleNotFoundError"}:
                    fallbacks.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert fallbacks == []


def _definitions(path):
    """(name, arguments, body without docstring) of each plain top-level function."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.FunctionDef) and not node.decorator_list:
            body = node.body
            if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]
            yield node.name, ast.dump(node.args), "".join(ast.dump(b) for b in body)


def test_no_test_helper_is_written_twice():
    where = {}
    for path in python_files("tests"):
        for definition in _definitions(path):
            where.setdefault(definition, []).append(str(path.relative_to(ROOT)))
    twice = {d[0]: paths for d, paths in where.items() if len(paths) > 1}
    assert twice == {}


def test_shared_test_helpers_live_in_factories():
    from tests import factories

    for name in SHARED_HELPERS | {"squash"}:
        assert callable(getattr(factories, name))
