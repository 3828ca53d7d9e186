"""The layering holds: import-linter's contracts (pyproject.toml) pass, and no interface
module (views, API, template tags, context processors, middleware, tasks) runs an ORM query of
its own — reads go through selectors, writes through services (docs/architecture.md)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "okrs", "notifications")
# Interface modules: packages and single modules of each app that may not query.
INTERFACE = ("views", "api", "templatetags", "context_processors.py", "middleware.py", "tasks.py")


def interface_files() -> list[Path]:
    files = []
    for app in APPS:
        for name in INTERFACE:
            path = ROOT / app / name
            if path.is_dir():
                files.extend(sorted(path.rglob("*.py")))
            elif path.exists():
                files.append(path)
    return files


def model_names() -> set[str]:
    return {model.__name__ for model in apps.get_models()}


def orm_queries(path: Path, models: set[str]) -> list[str]:
    """`Model.objects…` / `Model.all_objects…` uses in a file, except `.objects.none()` (the
    empty queryset DRF's schema generation asks for)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Attribute)
            and node.attr in ("objects", "all_objects")
            and isinstance(node.value, ast.Name)
            and node.value.id in models
        ):
            continue
        outer = parents.get(node)
        call = parents.get(outer)
        if isinstance(outer, ast.Attribute) and outer.attr == "none" and isinstance(call, ast.Call):
            continue
        where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
        found.append(f"{where}:{node.lineno} {node.value.id}.{node.attr}")
    return found


def test_interface_modules_run_no_orm_query_of_their_own():
    models = model_names()
    offenders = [hit for path in interface_files() for hit in orm_queries(path, models)]
    assert offenders == [], "query through a selector (reads) or a service (writes):\n" + "\n".join(
        offenders
    )


# Shaping a selector's queryset is the selector's job (it owns what it loads).
SHAPING = ("select_related", "prefetch_related", "annotate", "aggregate")


def view_files() -> list[Path]:
    """Web views and API views (serializers and filtersets declare their own querysets)."""
    files = []
    for app in APPS:
        for folder in (ROOT / app / "views", ROOT / app / "api"):
            if folder.is_dir():
                files.extend(
                    p
                    for p in sorted(folder.rglob("*.py"))
                    if "views" in p.parts or p.name == "views.py"
                )
    files.append(ROOT / "notifications" / "api.py")
    return [p for p in files if p.exists()]


def queryset_shaping(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    return [
        f"{where}:{node.lineno} .{node.func.attr}()"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in SHAPING
    ]


def test_views_do_not_reshape_selector_querysets():
    offenders = [hit for path in view_files() for hit in queryset_shaping(path)]
    assert offenders == [], "let the selector load what the page needs:\n" + "\n".join(offenders)


def test_the_checker_finds_a_query(tmp_path):
    """The scan above is not vacuous: it sees a direct query and lets `.objects.none()` be."""
    sample = tmp_path / "view.py"
    sample.write_text(
        "def v(request):\n    Objective.objects.filter(pk=1)\n    return KeyResult.objects.none()\n"
    )
    assert orm_queries(sample, {"Objective", "KeyResult"}) == ["view.py:2 Objective.objects"]
    sample.write_text("rows = selectors.objectives().select_related('owner')\n")
    assert queryset_shaping(sample) == ["view.py:1 .select_related()"]


@pytest.mark.slow
def test_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
