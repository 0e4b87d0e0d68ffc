"""The project's layering, read from the source: which module imports which.

mlcore imports no Django and no app; its storage and vision packages import no other package of
mlcore's; no module imports itself back through others; and what a web worker imports when it
starts (the URLconf, the WSGI entry point, every installed app's modules Django loads) reaches no
TensorFlow, Keras, Selenium or other package a web-only server does not install. Imports inside
functions run later, when the function is called: they count for the circles, and the serving
test (classifier/test_no_tensorflow.py) covers the ones a request runs.
"""

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("heroproject", "classifier", "namegen", "quotes", "heroes", "studio", "management")
APPS = PACKAGES[1:]
TENSORFLOW = ("tensorflow", "keras")
# Installed for training and scraping only (requirements-train.txt), never on a web-only server.
WORKERS_ONLY = (*TENSORFLOW, "selenium", "bs4", "matplotlib", "seaborn", "plotnine", "altair")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def sources() -> dict[str, Path]:
    paths = [path for top in (*PACKAGES, "mlcore") for path in (ROOT / top).rglob("*.py")]
    return {module_name(path): path for path in paths if "migrations" not in path.parts}


def absolute(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module
    package = module.split(".")
    if sources()[module].name != "__init__.py":
        package = package[:-1]
    base = ".".join(package[: len(package) - node.level + 1])
    return f"{base}.{node.module}" if node.module else base


def targets(module: str, node) -> list[str]:
    """The modules an import statement loads: `from a import b` is a.b where b is a module."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = absolute(module, node)
    return [
        f"{base}.{alias.name}" if f"{base}.{alias.name}" in sources() else base
        for alias in node.names
    ]


@cache
def imports(module: str) -> tuple[set[str], set[str]]:
    """(imported when the module is, imported only inside its functions)."""
    tree = ast.parse(sources()[module].read_text())
    now, later = set(), set()

    def walk(node, deferred):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                (later if deferred else now).update(targets(module, child))
            inside = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            walk(child, deferred or inside)

    walk(tree, False)
    return now, later


def top(name: str) -> str:
    return name.split(".")[0]


def ours(name: str) -> str | None:
    """The project module an imported name loads (a package loads its __init__), or None."""
    while name and name not in sources():
        name = name.rpartition(".")[0]
    return name or None


def loaded_at_start(roots) -> set[str]:
    """Every name imported, transitively, when the roots are imported (function bodies not run)."""
    seen, names, todo = set(), set(), list(roots)
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        parts = module.split(".")
        parents = [".".join(parts[:i]) for i in range(1, len(parts))]
        for name in imports(module)[0]:
            names.add(name)
            if (found := ours(name)) is not None:
                todo.append(found)
        todo.extend(parent for parent in parents if parent in sources())
    return names | seen


def test_the_walk_reads_the_project():
    assert {"mlcore.models.runtime", "classifier.views", "heroproject.urls"} <= set(sources())
    assert "keras" in imports("mlcore.training.trainer")[0]
    assert "tensorflow" in loaded_at_start(["mlcore.models.export"])


@pytest.mark.parametrize("module", sorted(m for m in sources() if top(m) == "mlcore"))
def test_mlcore_imports_no_django_and_no_app(module):
    now, later = imports(module)
    assert not {name for name in now | later if top(name) in ("django", *PACKAGES)}


@pytest.mark.parametrize("package", ["mlcore.storage", "mlcore.vision"])
def test_storage_and_vision_import_no_other_mlcore_package(package):
    for module in (m for m in sources() if m.startswith(package)):
        now, later = imports(module)
        others = {n for n in now | later if top(n) == "mlcore" and not n.startswith(package)}
        assert not others, (module, others)


def test_storage_loads_no_tensorflow():
    storage = [m for m in sources() if m.startswith("mlcore.storage")]
    assert not {name for name in loaded_at_start(storage) if top(name) in TENSORFLOW}


def test_no_module_imports_itself_back():
    graph = {
        module: {found for name in set().union(*imports(module)) if (found := ours(name))}
        - {module}
        for module in sources()
    }
    circles, state = [], {}

    def visit(module, path):
        state[module] = "open"
        for other in sorted(graph[module]):
            if state.get(other) == "open":
                circles.append([*path[path.index(other) :], other])
            elif other not in state:
                visit(other, [*path, other])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert not circles


def web_roots() -> list[str]:
    started = ["heroproject.settings", "heroproject.urls", "heroproject.wsgi"]
    django_loads = ("apps", "models", "admin", "urls", "checks", "templatetags", "signals")
    for app in APPS:
        started += [
            m
            for m in sources()
            if m.split(".")[0] == app and m.split(".")[1:2] in [[part] for part in django_loads]
        ]
    return started


def test_a_web_worker_starts_without_tensorflow_or_the_scrapers():
    roots = web_roots()
    assert "classifier.views" in loaded_at_start(roots)
    reached = {name for name in loaded_at_start(roots) if top(name) in WORKERS_ONLY}
    assert not reached
