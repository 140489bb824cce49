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


# The Default column: click 8.3 marks "no default" with a sentinel (shown as `Sentinel.UNSET`) and
# mkdocs-click writes None for an option without one; the reference shows a dash there instead, and a
# flag's default as on or off.
_row = _docs._format_table_option_row


def _default_row(option):
    row = _row(option)
    default = getattr(option, "default", None)
    unset = default is None or type(default).__name__ == "Sentinel" or str(default) == "Sentinel.UNSET"
    head, _, _ = row.rstrip(" |").rpartition(" | ")
    if option.required:
        return f"{head} | required |"
    if unset:
        return f"{head} | – |"
    if option.is_flag and isinstance(default, bool):
        return f"{head} | {'on' if default else 'off'} |"
    return row


_docs._format_table_option_row = _default_row
