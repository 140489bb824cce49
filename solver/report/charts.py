"""What every chart of plantsplit shares: titles and axis labels in words, money scaled to thousands or
millions, legends, rendering to PNG (matplotlib, Agg: no screen needed)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from solver.errors import UsageError
from solver.io.outdir import PNG, check_replace
from solver.io.temporary import temp_file

MARK = b"Software\x00plantsplit"  # the PNG text chunk every chart of plantsplit carries

UNIT_LABELS = {
    "fx": "{a} per 1 {cur}",
    "tariff": "duty rate",
    "freight": "freight per unit (lane currency)",
    "freight_scale": "freight multiplier",
    "demand": "units",
    "demand_scale": "demand multiplier",
    "capacity": "max units",
    "cost_scale": "production cost multiplier",
    "fixed_cost": "the option's currency",
    "hub": "units per period",
    "handling": "per unit, the hub's currency",
    "lane": "max units",
    "tariff_quota": "units",
    "min_production": "min units",
    "tariff_in_quota": "duty rate",
    "tariff_over_quota": "duty rate",
}


FLIP: dict[str, Any] = dict(color="red", linestyle="-", linewidth=1.6)


BREAK: dict[str, Any] = dict(color="grey", linestyle=":", linewidth=1.2)


def axis_label(name: str, currency: str) -> str:
    kind, _, rest = name.partition(":")
    a = rest.split(":")[0].split("/")[0].split("@")[0]
    unit = UNIT_LABELS.get(kind, "").format(a=a, cur=currency)
    return f"{name} ({unit})" if unit else name


def case_title(name: str) -> str:
    """rogue-2012 -> Rogue 2012."""
    words = name.replace("_", " ").replace("-", " ").split()
    return " ".join(words)[:1].upper() + " ".join(words)[1:] if words else "plantsplit"


def describe(name: str, currency: str) -> str:
    """A parameter name in words: fx:KRW -> the KRW/USD rate."""
    kind, _, rest = name.partition(":")
    rest, _, period = rest.partition("@")
    rest, _, product = rest.partition("/")
    a, _, b = rest.partition(":")
    what = {
        "fx": f"the {a}/{currency} rate",
        "tariff": f"the duty rate from {a} into {b}",
        "freight": f"freight {a} to {b}",
        "freight_scale": f"freight from {a}" + (f" to {b}" if b else "") + " (multiplier)",
        "demand": f"demand in {a}",
        "demand_scale": f"demand in {a} (multiplier)",
        "capacity": f"{a}'s capacity",
        "cost_scale": f"{a}'s production cost (multiplier)",
        "fixed_cost": f"the fixed cost of {a}",
        "hub": f"{a}'s throughput",
        "handling": f"handling at {a}",
        "lane": f"the limit of lane {a} to {b}",
        "tariff_quota": f"the tariff-rate quota from {a} into {b}",
        "min_production": f"{a}'s minimum output",
        "tariff_in_quota": f"the in-quota duty rate from {a} into {b}",
        "tariff_over_quota": f"the over-quota duty rate from {a} into {b}",
    }.get(kind, name)
    if product:
        what += f", {product}"
    return what + (f", {period}" if period else "")


def money_scale(values) -> tuple[float, str]:
    """A divisor and its word for money axes: millions for big figures, else as they are."""
    top = float(np.nanmax(np.abs(np.asarray(values, dtype=float)))) if len(values) else 0.0
    if top >= 1e7:
        return 1e6, "million "
    if top >= 1e4:
        return 1e3, "thousand "
    return 1.0, ""


def _thousands(ax, axis: str = "y", decimals: int = 0) -> None:
    import matplotlib.ticker as mt

    fmt = mt.FuncFormatter(lambda v, _: f"{v:,.{decimals}f}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _x_format(ax, name: str) -> None:
    import matplotlib.ticker as mt

    if name.startswith("tariff:"):
        ax.xaxis.set_major_formatter(mt.PercentFormatter(1.0))
    else:
        ax.xaxis.set_major_formatter(mt.FuncFormatter(lambda v, _: f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.3g}"))


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise UsageError("plotting needs matplotlib: pip install 'plantsplit[plot]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _legend(ax, title: str | None = None, handles=None) -> None:
    kw = dict(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False, title=title)
    if handles is not None:
        kw["handles"] = handles
    ax.legend(**kw)


def _two_panels(plt):
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 7), sharex=True, height_ratios=[3, 2])
    return fig, top, bottom


def _flip_label(ax, xv, text) -> None:
    ax.annotate(
        text,
        (xv, 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(-3, -4),
        textcoords="offset points",
        rotation=90,
        ha="right",
        va="top",
        color="red",
        fontsize=8,
        bbox=dict(facecolor="white", alpha=0.8, edgecolor="none", pad=1),
    )


def _line_legend(ax, flips: bool, breaks: bool) -> None:
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color="black", label="total cost")]
    if flips:
        handles.append(Line2D([], [], **FLIP, label="build decision flips"))
    if breaks:
        handles.append(Line2D([], [], **BREAK, label="other breakpoint"))
    _legend(ax, handles=handles)


# Fonts that draw Korean, Chinese and Japanese (Noto Sans CJK first: Debian's fonts-noto-cjk), tried in turn
CJK_FONTS = (
    "Noto Sans CJK JP",
    "Noto Sans CJK KR",
    "Noto Sans CJK SC",
    "Noto Sans CJK TC",
    "Source Han Sans",
    "NanumGothic",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "IPAGothic",
    "IPAexGothic",
    "Droid Sans Fallback",
    "Malgun Gothic",
    "Microsoft YaHei",
    "Yu Gothic",
    "MS Gothic",
    "Apple SD Gothic Neo",
    "Hiragino Sans",
    "PingFang SC",
)
NO_CJK_FONT = (
    "charts draw Korean, Chinese and Japanese names as empty boxes: no font for them is installed; "
    "install Noto Sans CJK (Debian/Ubuntu: apt-get install fonts-noto-cjk; Fedora: google-noto-sans-cjk-"
    "fonts; macOS and Windows have one)"
)
_warned: list[bool] = []  # once per process
_scanned: list[bool] = []


class ChartWarning(UserWarning):
    """Something a chart cannot show as it should (the command line prints it as a Warning: line)."""


def is_cjk(text: str) -> bool:
    return any(
        0x1100 <= ord(ch) <= 0x11FF
        or 0x2E80 <= ord(ch) <= 0x9FFF
        or 0xAC00 <= ord(ch) <= 0xD7AF
        or 0xF900 <= ord(ch) <= 0xFAFF
        or 0xFF00 <= ord(ch) <= 0xFFEF
        for ch in str(text)
    )


def cjk_fonts() -> list[str]:
    """The CJK fonts matplotlib can use; fonts installed after matplotlib made its font cache are looked
    for on the system once (by file name) and added."""
    from matplotlib import font_manager

    def known():
        installed = {f.name for f in font_manager.fontManager.ttflist}
        return [name for name in CJK_FONTS if name in installed]

    if not known() and not _scanned:
        _scanned.append(True)
        hints = ("cjk", "nanum", "wqy", "ipag", "ipaex", "droidsansfallback", "sourcehansans")
        for path in font_manager.findSystemFonts():
            if any(h in Path(path).name.lower().replace("-", "").replace("_", "") for h in hints):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
    return known()


def _fonts_for(fig) -> None:
    """Korean, Chinese and Japanese text drawn with a font that has it (DejaVu Sans first, so Latin text
    looks as on every chart); warned once per process where no such font is installed. Charts without
    such text are left as they are (same bytes)."""
    import warnings

    from matplotlib.text import Text

    texts = [t for t in fig.findobj(Text) if is_cjk(t.get_text())]
    if not texts:
        return
    fonts = cjk_fonts()
    if fonts:
        for t in texts:
            t.set_fontfamily(["DejaVu Sans", *fonts])
    elif not _warned:
        _warned.append(True)
        warnings.warn(NO_CJK_FONT, ChartWarning, stacklevel=2)


def _render(fig, target) -> None:
    import warnings

    import matplotlib.pyplot as plt

    _fonts_for(fig)

    # the titles also as the PNG's Title text, for readers that cannot see the picture
    titles = [t for t in [fig.get_suptitle()] + [ax.get_title() for ax in fig.axes] if t]
    with warnings.catch_warnings():  # matplotlib's "Glyph ... missing": said once, in words, above
        warnings.filterwarnings("ignore", message="Glyph .* missing from")
        fig.savefig(
            target,
            dpi=110,
            format="png",
            bbox_inches="tight",
            metadata={"Software": "plantsplit", "Title": "\n".join(titles) or None},
        )
    plt.close(fig)


def _save(fig, out: Path) -> Path:
    # only a chart plantsplit drew (its Software text chunk, near the start), never a picture of yours
    check_replace(out, "--out", "a PNG chart plantsplit drew", lambda head: head.startswith(PNG) and MARK in head)
    tmp = None
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = temp_file(out.parent, out.name)
        os.close(fd)
        _render(fig, tmp)
        os.replace(tmp, out)
    except OSError as exc:
        from solver.errors import WriteError

        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise WriteError(f"{out}: could not write the chart ({exc.strerror or exc}); nothing was changed") from None
    return out
