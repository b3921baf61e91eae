"""The grades every statement, bound and caption carries: one definition, shown wherever a grade is."""

# key -> (badge label, colour, meaning)
GRADES = {
    "V": ("paper [V]", "green", "verified in Ward & Kolda's own text"),
    "S": ("secondary [S]", "blue", "a third-party implementation, review or another paper's text"),
    "D": ("derived [D]", "violet", "proved in docs/theory.md and checked numerically — not the paper's statement"),
    "U": ("unverified [U]", "orange", "our reconstruction or a recollection; not re-read in a source"),
    "A": ("abstract only [A]", "gray", "checked only against an abstract"),
}


def legend() -> str:
    """One line defining every grade, e.g. for a caption: "[V] verified in …; [S] …"."""
    return "; ".join(f"[{k}] {text}" for k, (_, _, text) in GRADES.items())
