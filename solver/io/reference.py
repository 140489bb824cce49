"""The input reference (docs/input-reference.md) as Markdown, from the schema (``schema.py``):
``python -m solver.io.reference`` prints it; tests/test_docs.py checks the page holds it."""

from __future__ import annotations

from solver.io.schema import FILES, RANGES


def markdown() -> str:
    """The input reference as Markdown tables (pasted into docs/input-reference.md)."""
    out = []
    for f in FILES:
        req = "required" if f.required else "optional"
        out.append(f"### `{f.name}` ({req})\n\n{f.meaning}\n")
        out.append("| column | required | unit | default | meaning |")
        out.append("|---|---|---|---|---|")
        for c in f.columns:
            out.append(f"| `{c.name}` | {'yes' if c.required else 'no'} | {c.unit} | {c.default} | {c.meaning} |")
        out.append("")
    out.append("### Ranges of numbers\n")
    out.append(
        "A number outside its range is an input error (exit 2, naming file, row and column). Numbers are "
        "written with the digits 0-9.\n"
    )
    out.append("| kind of column | columns | lowest | highest |")
    out.append("|---|---|---|---|")
    for kind, (lo, hi, what) in RANGES.items():
        cols = ", ".join(f"`{f.name[:-4]}.{c.name}`" for f in FILES for c in f.columns if c.kind == kind)
        out.append(f"| {what.split(':')[0]} | {cols} | {lo:g} | {hi:g} |")
    out.append("")
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover
    print(markdown())
