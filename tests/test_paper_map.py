"""Issue 10: every number the product cites from Ward & Kolda (Lemma 4.5, Cor. 5.2, Eq. (8), …) means what the
paper's prose says it is. The map is docs/theory.md#paper-map; this test reads it and checks every citation in the
code, the pages, the README and the notes against it — the number must exist, with its kind, and the text around
the citation must be about that statement's topic."""

import re
from pathlib import Path

import pytest

from agdcore import notes

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = [
    *sorted((ROOT / "agdcore").rglob("*.py")),
    *sorted((ROOT / "agdui").rglob("*.py")),
    *sorted((ROOT / "pages").glob("*.py")),
    ROOT / "app.py",
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
]
KINDS = {
    "lemma": "Lemma",
    "lemmas": "Lemma",
    "prop": "Proposition",
    "props": "Proposition",
    "proposition": "Proposition",
    "propositions": "Proposition",
    "cor": "Corollary",
    "cors": "Corollary",
    "corollary": "Corollary",
    "corollaries": "Corollary",
    "thm": "Theorem",
    "theorem": "Theorem",
    "theorems": "Theorem",
    "remark": "Remark",
    "assumption": "Assumption",
    "fig": "Fig.",
    "figure": "Fig.",
}
NUM = r"(?:\d+\.\d+|A\.\d+|\d+)"
CITE = re.compile(
    r"\b("
    + "|".join(sorted(KINDS, key=len, reverse=True))
    + r")\.?\s+("
    + NUM
    + r"(?:\s*(?:–|-|/|,|and|&)\s*"
    + NUM
    + r")*)",
    re.I,
)
EQ = re.compile(r"\bEqs?\.\s*\((\d+)\)")
# Other papers' numbered statements (Ye & Du's Thm 1.1 and Cor. 1.2): cited with their authors' names, or "their".
PEERS = re.compile(r"Ye & Du|SRC\[\"yd\"\]|Ye and Du|\btheir\s+(?:Thm|Cor|Lemma|Theorem|Corollary|Prop)")
# The topic of each statement, as the map states it (the words the citing text must use).
TOPIC = {
    "Assumption 1": ("update", "alternating", "AGD"),
    "Assumption 2": ("init", "start", "A2", "ρ", "δ", "constants", "ν"),
    "Theorem 3.1": ("headline", "informal", "main result", "T = C", "count", "log(1/ε)", "Corollar"),
    "Lemma 4.1": ("descent", "gradient"),
    "Proposition 4.2": ("singular values",),
    "Proposition 4.3": ("initiali", "t = 0", "$t=0$"),
    "Corollary 4.4": ("singular-value", "singular value", "combined"),
    "Lemma 4.5": ("column span", "col(A)", "column-span", "invarian"),
    "Lemma 4.6": ("PL", "Polyak"),
    "Remark 4.7": ("rank", "noise", "floor", "general"),
    "Theorem 5.1": ("rate", "guarantee"),
    "Corollary 5.2": ("step", "iteration", "complexity", "T(ε)"),
    "Corollary 5.3": ("after $T$", "after T", "t ≥ T", r"$t\ge T$", "stays small"),
    "Proposition A.1": ("C₁", "C_1", "constants"),
    "Fig. 1": ("Gaussian",),
    "Fig. 4": ("general", "low-rank", "full-rank", "best"),
}
EQUATIONS = {
    "3": "Lemma 4.1",
    "4": "Lemma 4.1",
    "5": "Lemma 4.6",
    "6": "Theorem 5.1",
    "7": "Theorem 5.1",
    "8": "Corollary 5.2",
}
WINDOW = 320  # characters either side of a citation that must name its topic


def _rel(p: Path) -> str:
    return str(p.relative_to(ROOT))


def map_rows() -> dict[str, str]:
    """{label: the row's text} from the table of docs/theory.md#paper-map."""
    rows = {}
    for line in notes.section("paper-map").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 4 and not set(cells[0]) <= {"-"} and cells[0] != "the paper's label":
            rows[cells[0]] = " | ".join(cells[1:])
    return rows


def citations(text: str):
    """(label, position) of every numbered citation of the paper in ``text``, ranges and lists expanded."""
    for m in CITE.finditer(text):
        kind = KINDS[m.group(1).lower()]
        for num in re.findall(NUM, m.group(2)):
            yield f"{kind} {num}", m.start()
    for m in EQ.finditer(text):
        yield f"Eq. ({m.group(1)})", m.start()


def test_the_map_reads_the_statements_as_the_prose_does():
    rows = map_rows()
    assert set(TOPIC) <= set(rows), sorted(set(TOPIC) - set(rows))
    for label, words in TOPIC.items():
        assert any(w in rows[label] for w in words), (label, rows[label])
    for n, label in EQUATIONS.items():
        if n != "7":
            assert f"Eq. ({n})" in rows[label] or f"Eqs. ({n})" in rows[label] or f"({n})" in rows[label], (n, label)
    assert "ε-dependent step" in rows["Corollary 5.2"] and "Eq. (8)" in rows["Corollary 5.2"]
    assert "[U]" in rows["Assumption 1"] and "first" in rows["Assumption 1"]  # the order is not in the text


@pytest.mark.parametrize("path", PRODUCT, ids=_rel)
def test_every_citation_of_the_paper_matches_the_map(path):
    text = path.read_text(encoding="utf-8")
    rows = map_rows()
    if path == notes.NOTES:  # the map itself defines the labels: blank it out, keeping line numbers
        body = notes.section("paper-map")
        text = text.replace(body, re.sub(r"[^\n]", " ", body))
    for label, at in citations(text):
        line = text[text.rfind("\n", 0, at) + 1 : text.find("\n", at)]
        if PEERS.search(line):
            continue
        where = f"{_rel(path)}:{text.count(chr(10), 0, at) + 1} cites {label!r}"
        if label.startswith("Eq. ("):
            n = label[5:-1]
            assert n in EQUATIONS, f"{where}: the map has no equation ({n})"
            label = EQUATIONS[n]
        assert label in rows, f"{where}, which is not in docs/theory.md#paper-map: {line.strip()}"
        context = text[max(0, at - WINDOW) : at + WINDOW]
        assert any(w in context for w in TOPIC.get(label, ())) or label not in TOPIC, (
            f"{where} without naming its topic {TOPIC[label]}: {line.strip()}"
        )


def test_the_check_catches_a_wrong_number_and_a_wrong_topic():
    rows = map_rows()
    found = dict(citations("by the paper's Prop. 4.5, and Lemmas 4.5–4.6; Eq. (8) for the step"))
    assert "Proposition 4.5" in found and "Proposition 4.5" not in rows  # a wrong kind is not in the map
    assert {"Lemma 4.5", "Lemma 4.6", "Eq. (8)"} <= set(found)
    wrong = "the PL inequality (the paper's Lemma 4.5)"
    assert not any(w in wrong for w in TOPIC["Lemma 4.5"])
