"""The project's theory notes, ``docs/theory.md``, by section: the one place the product's labels cite.

A section starts at an explicit HTML anchor line ``<a id="live-bound"></a>`` and runs to the next
one. Labels cite a section as ``docs/theory.md#live-bound`` (:func:`cite`); the Theory page renders
:func:`section` under the matching formula card, and other pages link to it with :func:`link`.
Pure text processing: nothing is read from outside the repository.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

NOTES = Path(__file__).resolve().parents[1] / "docs" / "theory.md"
DOC = "docs/theory.md"
THEORY_PAGE = "theory"  # the Theory page's URL path under app.py's router
ANCHOR = re.compile(r'^<a id="([a-z0-9-]+)"></a>\s*$', re.M)
CITATION = re.compile(r"docs/theory\.md#([a-z0-9-]+)")
TEST_REF = re.compile(r"tests/(test_\w+)\.py::(test_\w+)")
GRADE = re.compile(r"\*\*Grade:\*\*[^\[]*\[([A-Z])\]")


@lru_cache(maxsize=4)
def _sections(path: Path = NOTES) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return {}
    marks = list(ANCHOR.finditer(text))
    ends = [m.start() for m in marks[1:]] + [len(text)]
    return {m.group(1): text[m.end() : end].strip() for m, end in zip(marks, ends)}


def anchors(path: Path = NOTES) -> list[str]:
    """Every section anchor, in document order."""
    return list(_sections(path))


def section(anchor: str, path: Path = NOTES) -> str:
    """The section's markdown (heading included, anchor line dropped); ``KeyError`` for an unknown anchor."""
    sections = _sections(path)
    if anchor not in sections:
        raise KeyError(f"docs/theory.md has no section #{anchor}; known: {', '.join(sections)}")
    return sections[anchor]


def body(anchor: str, path: Path = NOTES) -> str:
    """:func:`section` without its ``##`` heading, with in-document links made plain text: for an
    expander whose label is already the card's title."""
    text = section(anchor, path)
    lines = text.splitlines()
    if lines and lines[0].startswith("#"):
        lines = lines[1:]
    return re.sub(r"\[([^\]]+)\]\(#[a-z0-9-]+\)", r"\1", "\n".join(lines)).strip()


def title(anchor: str, path: Path = NOTES) -> str:
    """The section's heading text."""
    first = section(anchor, path).splitlines()[0]
    return first.lstrip("#").strip()


def grade(anchor: str, path: Path = NOTES) -> str | None:
    """The first grade key named on the section's ``**Grade:**`` line (V, S, D, U or A), or None."""
    m = GRADE.search(section(anchor, path))
    return m.group(1) if m else None


def tests_named(anchor: str, path: Path = NOTES) -> list[tuple[str, str]]:
    """(test module, test function) pairs the section names as its numerical check."""
    return TEST_REF.findall(section(anchor, path))


def cite(anchor: str) -> str:
    """The citation text a label carries, e.g. ``cite("live-bound")`` → ``docs/theory.md#live-bound``."""
    return f"{DOC}#{anchor}"


def cited(text: str) -> list[str]:
    """The anchors a text cites (each ``docs/theory.md#`` followed by an anchor)."""
    return CITATION.findall(text)


def link(anchor: str, text: str | None = None) -> str:
    """A markdown link to the Theory page with that derivation open (e.g. ``theory?note=live-bound``)."""
    return f"[{text or title(anchor)}]({THEORY_PAGE}?note={anchor})"


def source_anchor(source: str) -> str | None:
    """The first anchor a label's source text cites, or None (e.g. for a :class:`BoundInfo` source)."""
    found = cited(source)
    return found[0] if found else None


def bound_links(keys, infos=None) -> str:
    """One caption line linking each drawn bound (``BOUND_INFO`` keys) to its derivation, e.g.
    "Derivations: [Live bound](theory?note=live-bound) · …"; empty when none cites a section."""
    if infos is None:
        from .bounds import BOUND_INFO as infos
    seen, parts = set(), []
    for key in keys:
        info = infos.get(key)
        anchor = source_anchor(info.source) if info else None
        if anchor and anchor not in seen:
            seen.add(anchor)
            parts.append(link(anchor, title(anchor).split(" (")[0]))
    return "Derivations: " + " · ".join(parts) if parts else ""
