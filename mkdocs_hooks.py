"""MkDocs hooks (mkdocs.yml `hooks:`): the CLI reference shows click's ``\\b`` paragraphs as click does.

click prints a paragraph that starts with a line ``\\b`` as written (tables of parameter names,
examples); mkdocs-click passes help texts on as Markdown, where those lines would run together into
one paragraph and ``[/PRODUCT][@PERIOD]`` would read as a link. Here they become fenced text blocks.
"""

from mkdocs_click import _docs

_describe = _docs._make_description


def _described(ctx, remove_ascii_art=False):
    lines, fenced = [], False
    for line in _describe(ctx, remove_ascii_art):
        if line.strip() == "\b":
            lines.append("```text")
            fenced = True
        elif fenced and not line.strip():
            lines += ["```", ""]
            fenced = False
        else:
            lines.append(line)
    return iter(lines + (["```"] if fenced else []))


_docs._make_description = _described
