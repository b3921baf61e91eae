"""The shape of the core: what it imports, no import circles, modules of a readable size."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "agdcore"
HEAVY = ("plotly", "pandas", "dask", "distributed", "streamlit")
# the figure builders need Plotly; the sweeps' tables need pandas (Dask only when a Dask engine runs)
BUILDERS = ("agdcore.plots", "agdcore.sweeps")


def _modules():
    for path in sorted(CORE.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def test_the_core_outside_the_figure_builders_imports_no_plotly_pandas_dask_or_streamlit():
    mods = [m for m, _ in _modules() if not m.startswith(BUILDERS) and m != "agdcore.__main__"]
    code = (
        "import importlib, sys\n"
        f"for m in {mods!r}: importlib.import_module(m)\n"
        f"bad = sorted(k for k in sys.modules if k.split('.')[0] in {HEAVY!r})\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"heavy imports: {out.stdout.strip()}"
    assert len(mods) > 15  # the check really covered the core


def _imports(module: str, path: Path) -> set[str]:
    """agdcore modules imported at module level (imports inside functions are lazy and do not circle)."""
    tree = ast.parse(path.read_text())
    pkg = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("agdcore")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("agdcore"):
                found.add(target)
                found |= {f"{target}.{a.name}" for a in node.names}
    return found


def test_no_import_circles():
    mods = dict(_modules())
    graph = {m: {t for t in _imports(m, p) if t in mods and t != m} for m, p in mods.items()}
    # a package importing its own submodules is not a circle; a submodule importing its package's
    # __init__ (or a sibling that leads back) is
    for m in graph:
        graph[m] = {t for t in graph[m] if not t.startswith(m + ".")}
    state: dict[str, int] = {}

    def visit(m, stack):
        state[m] = 1
        for t in graph[m]:
            if state.get(t) == 1:
                pytest.fail("import circle: " + " -> ".join(stack[stack.index(t) :] + [t]))
            if t not in state:
                visit(t, stack + [t])
        state[m] = 2

    for m in graph:
        if m not in state:
            visit(m, [m])


@pytest.mark.parametrize("module,path", list(_modules()))
def test_core_modules_stay_readable(module, path):
    assert len(path.read_text().splitlines()) <= 320, f"{module} has grown past ~300 lines: split it"


def test_the_loop_has_no_long_function():
    tree = ast.parse((CORE / "_loop.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            assert node.end_lineno - node.lineno + 1 <= 60, f"{node.name} is over 60 lines"
