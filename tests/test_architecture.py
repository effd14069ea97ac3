"""The house rules that lint cannot see (docs/architecture.md): no import inside a function to
get round a cycle, no module over 500 lines, no function over 80. (import-linter checks the
layers; ruff the style.)"""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
APPS = [
    "accounts",
    "audit",
    "care",
    "core",
    "dashboard",
    "devtools",
    "exercises",
    "fhir_export",
    "ops",
    "outcomes",
    "pt_tracker",
    "redflags",
    "reminders",
    "symptoms",
]
# The load and fault runs start as plain Python and import Django only once they have chosen
# the database and settings of the run (devtools/load/harness.py, module docstring).
LATE_DJANGO = "devtools/load/"


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _imports_inside_functions(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if node.name == "ready":  # AppConfig.ready registers signal receivers, as Django asks
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Import | ast.ImportFrom):
                module = getattr(inner, "module", None) or inner.names[0].name
                found.append(f"{path.name}:{inner.lineno} {module}")
    return found


def test_no_module_imports_inside_a_function():
    found = [
        f"{path.relative_to(ROOT).parent}/{line}"
        for path in _modules()
        if not str(path.relative_to(ROOT)).startswith(LATE_DJANGO)
        for line in _imports_inside_functions(path)
    ]
    assert found == []


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "example.py"
    module.write_text("def f():\n    from redflags import screening\n")
    assert len(_imports_inside_functions(module)) == 1


MODULE_MAX_LINES = 500
FUNCTION_MAX_LINES = 80


def _python_files():
    """The project's Python files, tests included; migrations are generated and left out."""
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {".venv", "node_modules"} or "migrations" in relative.parts:
            continue
        yield path


def test_no_module_is_over_500_lines():
    long = {
        str(path.relative_to(ROOT)): lines
        for path in _python_files()
        if (lines := path.read_text().count("\n")) > MODULE_MAX_LINES
    }
    assert long == {}


def test_no_function_is_over_80_lines():
    long = {}
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > FUNCTION_MAX_LINES:
                    long[f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"] = lines
    assert long == {}
