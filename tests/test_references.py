"""No dead references: every section of docs/theory.md the product cites by anchor exists, no label cites the shared
document's numbering or a path outside the repository, and every section of the notes carries a
grade and names a test that exists (issue 12)."""

import ast
import re
from pathlib import Path

import pytest

from agdcore import notes
from agdcore.bound_info import BOUND_INFO
from agdcore.grades import GRADES

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = [
    *sorted((ROOT / "agdcore").rglob("*.py")),
    *sorted((ROOT / "agdui").rglob("*.py")),
    *sorted((ROOT / "pages").glob("*.py")),
    ROOT / "app.py",
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
]
CITING = PRODUCT + sorted((ROOT / "tests").glob("*.py")) + sorted((ROOT / "benchmarks").rglob("*.py"))
OLD = [
    re.compile(r"shared/"),
    re.compile(r"(theory|performance)\.md\s*(§|Part|Lemma|Cor|Theorem|II\b)"),
    re.compile(r"\b(Lemma|Corollary|Cor\.|Theorem|Thm\.?|Prop\.?)\s+D\d"),
    re.compile(r"\bPart II\b"),
]
PERF_DOC = ROOT / "docs" / "performance.md"


def _rel(p: Path) -> str:
    return str(p.relative_to(ROOT))


def _test_names() -> set[tuple[str, str]]:
    found = set()
    for path in (ROOT / "tests").glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_"):
                found.add((path.stem, node.name))
    return found


def test_the_notes_have_the_sections_the_product_draws():
    have = set(notes.anchors())
    must = {"live-bound", "frozen-x", "a-priori-bound", "iterations-bound", "floor", "certificate", "delta", "rho"}
    assert must | {"paper-headline", "local-rates", "completion-sensing"} <= have
    assert len(notes.anchors()) == len(have)  # no anchor defined twice


@pytest.mark.parametrize("path", CITING, ids=_rel)
def test_every_cited_anchor_exists(path):
    text = path.read_text(encoding="utf-8")
    have = set(notes.anchors())
    dead = sorted(set(notes.cited(text)) - have)
    assert not dead, f"{_rel(path)} cites docs/theory.md#{', #'.join(dead)}, which docs/theory.md does not define"
    dead_links = sorted(set(re.findall(r"theory\?note=([a-z0-9-]+)", text)) - have)
    assert not dead_links, f"{_rel(path)} links to missing notes {dead_links}"
    perf = set(notes.ANCHOR.findall(PERF_DOC.read_text()))
    dead_perf = sorted(set(re.findall(r"docs/performance\.md#([a-z0-9-]+)", text)) - perf)
    assert not dead_perf, f"{_rel(path)} cites docs/performance.md#{dead_perf}, which is not defined"


@pytest.mark.parametrize("path", PRODUCT, ids=_rel)
def test_the_product_cites_only_its_own_notes(path):
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for pat in OLD:
            m = pat.search(line)
            assert not m, (
                f"{_rel(path)}:{n} cites {m.group()!r} (cite a section of docs/theory.md by its anchor instead): {line.strip()}"
            )


def test_in_document_links_of_the_notes_resolve():
    text = notes.NOTES.read_text()
    have = set(notes.anchors())
    assert set(re.findall(r"\]\(#([a-z0-9-]+)\)", text)) <= have


@pytest.mark.parametrize("anchor", notes.anchors())
def test_each_section_has_a_grade_a_statement_and_an_existing_test(anchor):
    text = notes.section(anchor)
    assert text.startswith("## "), anchor
    assert notes.grade(anchor) in GRADES, f"#{anchor}: no grade of agdcore/grades.py on its **Grade:** line"
    assert "$" in text, f"#{anchor} states no formula"
    named = notes.tests_named(anchor)
    assert named, f"#{anchor} names no test"
    missing = sorted(set(named) - _test_names())
    assert not missing, f"#{anchor} names tests that do not exist: {missing}"
    assert "<a id=" not in notes.body(anchor) and "](#" not in notes.body(anchor)


def test_every_bound_label_cites_a_section():
    for key, info in BOUND_INFO.items():
        assert notes.source_anchor(info.source) in notes.anchors(), key


def test_section_lookup_and_links():
    assert notes.section("live-bound").startswith("## Live bound")
    assert notes.cite("live-bound") == "docs/theory.md#live-bound"
    assert notes.link("live-bound", "live bound") == "[live bound](theory?note=live-bound)"
    with pytest.raises(KeyError, match="no section #nope"):
        notes.section("nope")
    line = notes.bound_links(["live_bound", "frozen_x", "a_priori", "floor", "tol"])
    assert line.startswith("Derivations: [Live bound](theory?note=live-bound) · [Frozen-X prediction](")
    assert line.count("](theory?note=") == 4


def test_the_theory_page_opens_the_linked_derivation_and_shows_every_section():
    from conftest import APP
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=60).run()
    at.query_params["note"] = "live-bound"
    at.switch_page("pages/theory.py").run()
    assert not at.exception, at.exception
    labels = [e.label for e in at.expander]
    assert labels[0] == "From your link: Live bound — docs/theory.md#live-bound"
    shown = {a for a in notes.anchors() if any(lab.endswith(notes.cite(a)) for lab in labels[1:])}
    assert shown == set(notes.anchors())  # every section is readable on the page
    text = " ".join(m.value for m in at.markdown)
    assert "<a id=" not in text and "**Numerical check.**" in text
