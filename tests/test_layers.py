"""The house keeps its walls: a pure core, edges and channels in their layers, no cycles, languages as data."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "hotline"
# What the pure core may never import: web framework, Twilio, database, command line.
FRAMEWORKS = ("flask", "werkzeug", "jinja2", "markupsafe", "twilio", "sqlalchemy", "psycopg", "click", "dotenv",
              "gunicorn")
# Which of hotline's own parts each layer may import (the app and the commands may import anything).
ALLOWED = {
    "core": ("hotline.core",),
    "edges": ("hotline.core", "hotline.edges", "hotline.services"),
    "channels": ("hotline.core", "hotline.edges", "hotline.channels", "hotline.services"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def runtime_imports(path: Path) -> list[tuple[str, tuple[str, ...]]]:
    """List (module, names) each import statement brings in, leaving out `if TYPE_CHECKING:` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {id(node) for block in ast.walk(tree) if isinstance(block, ast.If)
               and getattr(block.test, "id", "") == "TYPE_CHECKING" for node in ast.walk(block)}
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [(alias.name, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: write absolute imports (hotline.core.x), not relative ones"
            found.append((node.module or "", tuple(alias.name for alias in node.names)))
    return found


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ALLOWED else None


def own_targets(module: str, names: tuple[str, ...]) -> list[str]:
    """Resolve `from hotline.x import y` to the hotline modules it loads (y may itself be a module)."""
    if not module.startswith("hotline"):
        return []
    targets = [module] if module in MODULES else []
    targets += [f"{module}.{name}" for name in names if f"{module}.{name}" in MODULES]
    return targets or [module]


@pytest.mark.parametrize("module", [m for m in MODULES if layer_of(m) == "core"])
def test_core_imports_no_framework_and_nothing_outside_core(module):
    for imported, names in runtime_imports(MODULES[module]):
        assert imported.split(".")[0] not in FRAMEWORKS, f"{module} imports {imported}"
        for target in own_targets(imported, names):
            assert target.startswith(ALLOWED["core"]), f"{module} imports {target}, outside the core"


@pytest.mark.parametrize("module", [m for m in MODULES if layer_of(m) in ("edges", "channels")])
def test_edges_and_channels_stay_in_their_layer(module):
    allowed = ALLOWED[layer_of(module)]
    for imported, names in runtime_imports(MODULES[module]):
        for target in own_targets(imported, names):
            if target != "hotline":
                assert target.startswith(allowed), f"{module} imports {target}: not allowed for its layer"


@pytest.mark.parametrize("module", list(MODULES))
def test_no_module_reaches_into_another_modules_private_names(module):
    for imported, names in runtime_imports(MODULES[module]):
        if imported.startswith("hotline") and imported != module:
            assert not [n for n in names if n.startswith("_") and n != "__future__"], f"{module}: {imported}"


def test_no_import_cycles():
    graph = {module: {t for imported, names in runtime_imports(path) for t in own_targets(imported, names)
                      if t in MODULES and t != module and not module.startswith(t + ".")}
             for module, path in MODULES.items()}
    done, path = set(), []

    def visit(module: str) -> None:
        if module in path:
            raise AssertionError("import cycle: " + " -> ".join([*path[path.index(module):], module]))
        if module in done:
            return
        path.append(module)
        for target in sorted(graph[module]):
            if target != "hotline":  # the package itself imports nothing at its top
                visit(target)
        path.pop()
        done.add(module)

    for module in graph:
        visit(module)


def test_importing_the_core_loads_no_framework():
    code = ("import sys, hotline.core.matcher, hotline.core.sms_flow, hotline.core.call_flow; "
            f"print([m for m in {FRAMEWORKS!r} if m in sys.modules])")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_no_python_outside_the_language_loader_names_a_language():
    # Languages are data (messages/languages.toml): a literal "en" or "es" in the code would
    # make a line that adds a language behave differently in that place.
    for module, path in MODULES.items():
        if module == "hotline.core.readability":  # textstat's own language switch for its formulas
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        word_endings = {id(arg) for call in ast.walk(tree) if isinstance(call, ast.Call)  # "-es" plurals
                        and getattr(call.func, "attr", "") in ("endswith", "startswith") for arg in call.args}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in ("en", "es") \
                    and id(node) not in word_endings:
                pytest.fail(f"{module}:{node.lineno} names the language {node.value!r}")
