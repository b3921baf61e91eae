"""Issue 10: 9/(4Cνσ₁) is the product's default step — the largest step of the assumptions as third-party code
reads them, graded [S] — not "the theory's" step: the paper's guarantee uses an ε-dependent step (its Cor. 5.2,
Eq. (8)). No screen, docstring, CLI help, README or docs line may call it the theory's default."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
UI_TEXT = [
    *sorted((ROOT / "pages").glob("*.py")),
    *sorted((ROOT / "agdui").rglob("*.py")),
    *sorted((ROOT / "agdcore").rglob("*.py")),
    ROOT / "app.py",
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
]
# "theory default" in any spelling or case, and the equivalent "the theory's / the paper's step" wordings
BANNED = [
    re.compile(r"theory[\s-]+default", re.I),
    re.compile(r"theor(?:y|etical)(?:'s|’s)?\s+(?:default\s+)?step", re.I),
    re.compile(r"paper(?:'s|’s)\s+(?:default\s+)?step\b", re.I),
    re.compile(r"step\s+within\s+the\s+stated\s+range", re.I),
]


def _rel(p: Path) -> str:
    return str(p.relative_to(ROOT))


@pytest.mark.parametrize("path", UI_TEXT, ids=_rel)
def test_no_text_calls_the_default_step_the_theorys(path):
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for pat in BANNED:
            m = pat.search(line)
            assert not m, f"{_rel(path)}:{n} says {m.group()!r}: {line.strip()}"


def test_the_patterns_catch_the_old_wordings():
    """The grep is honest: each old wording would have been caught."""
    old = [
        'label="Step size η (empty = theory default)"',
        'placeholder=f"Theory default: η = 0.05625"',
        "empty: η = theory-default × step multiple",
        "η = the theory's step 9/(4Cνσ₁)",
        "the paper's step",
        "step within the stated range",
    ]
    for text in old:
        assert any(p.search(text) for p in BANNED), text
    fine = ["the product's default step", "not the ε-dependent step of the paper's guarantee (Cor. 5.2, Eq. (8))"]
    assert not any(p.search(t) for t in fine for p in BANNED)


def test_the_step_widgets_name_the_default_for_what_it_is():
    from agdui import settings

    step = next(p for p in settings.solver_params() if p.name == "step")
    assert step.label == "Step size η (empty = default step)"
    assert "third-party code" in step.help and "[S]" in step.help and "Eq. (8)" in step.help
    src = (ROOT / "agdui" / "explore_view.py").read_text()
    assert 'placeholder=f"default step: {_step_hint(upload)}"' in src
