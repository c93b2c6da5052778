"""A self-contained HTML report of a run: ``lsa-verify report --out report.html``.

One offline file (no script, font or style sheet fetched at view time): a summary table with
a badge per verdict and a bar chart of the verdict counts (inline SVG), then one section per
claim — statement, reference, the paper's quote, notes, conditions and unprinted choices, the
printed and the sympy-derived formula as MathML (LaTeX from :mod:`theory._latex`, converted
by ``latex2mathml``; browsers render MathML natively), every piece of evidence with its
numbers, the counter-example first — and a provenance block (version, git commit, package
versions, seed, tier, α, date, machine). With ``--figures`` the paper's figures are rendered
at the run's tier and inlined as SVG.

The page is built from the run's JSON records (:meth:`theory._runner.ClaimResult.to_json`),
so ``report --from run.json`` renders a saved ``check --json`` run the same way.
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from theory._validation import InvalidArgument
from theory._verdict import Verdict

__all__ = ["claim_math", "load_run", "provenance", "render_figures", "render_html"]

#: badge colours (background, text) per verdict word
_BADGE = {
    "confirmed": ("#1b7f3b", "#fff"),
    "holds under": ("#a86b00", "#fff"),
    "refuted": ("#b3261e", "#fff"),
    "not reproduced": ("#7a3e9d", "#fff"),
    "cannot express": ("#555", "#fff"),
    "inconclusive": ("#888", "#fff"),
}

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:1100px;
color:#1d1d1f;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em} h2{margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;margin:.6em 0} th,td{border:1px solid #ddd;
padding:.25em .45em;vertical-align:top;text-align:left;font-size:.9em}
th{background:#f3f3f5} td.num{font-family:ui-monospace,monospace;white-space:nowrap}
td.wide{font-family:ui-monospace,monospace;word-break:break-all;max-width:16em}
table.evidence td,table.evidence th{font-size:.78em} table.evidence td.detail{color:#444;
word-break:break-word;border-top:none}
.badge{display:inline-block;padding:.1em .55em;border-radius:.8em;font-size:.85em;
font-weight:600;white-space:nowrap}
.claim{border:1px solid #ddd;border-radius:6px;padding:.4em 1em 1em;margin:1.2em 0}
.claim h3{margin:.4em 0} .meta{color:#555;font-size:.9em}
blockquote{border-left:3px solid #bbb;margin:.5em 0;padding:.1em .8em;color:#333;
background:#fafafa}
.formula{overflow-x:auto;padding:.3em 0} .formula math{font-size:1.15em}
.fail{background:#fdecea} .pass{background:#eef7ef} .undecided{background:#f4f4f4}
.counter{border:2px solid #b3261e;border-radius:6px;padding:.3em .8em;margin:.6em 0}
code,pre{font-family:ui-monospace,monospace;font-size:.85em} pre{white-space:pre-wrap}
.fig svg{max-width:100%;height:auto}
"""


def load_run(path: str | os.PathLike) -> list[dict[str, Any]]:
    """The records of a ``check --json`` file (``InvalidArgument`` naming ``from`` when the
    file is missing, unreadable or not such a run)."""
    text_path = os.fspath(path)
    try:
        text = Path(text_path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise InvalidArgument(f"from={text_path!r} is invalid: cannot read it ({reason})") from None
    try:
        records = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise InvalidArgument(
            f"from={text_path!r} is invalid: it is not a JSON file written by 'check --json'"
        ) from None
    ok = isinstance(records, list) and all(
        isinstance(r, dict) and {"id", "verdict", "evidence"} <= set(r) for r in records
    )
    if not ok:
        raise InvalidArgument(
            f"from={text_path!r} is invalid: it is not a JSON array of claim records as written "
            "by 'check --json'"
        )
    if not records:
        raise InvalidArgument(f"from={text_path!r} is invalid: it holds no claims")
    return records


def _mathml(latex: str) -> str:
    try:
        from latex2mathml.converter import convert
    except ImportError:  # pragma: no cover - the report extra is not installed
        return f"<code>{html.escape(latex)}</code>"
    try:
        return convert(latex, display="block")
    except Exception:  # a macro the converter does not know: show the LaTeX itself
        return f"<code>{html.escape(latex)}</code>"


def claim_math(claim_id: str) -> list[tuple[str, str, str]]:
    """``(label, latex, mathml)`` for the printed and the derived formula of a registered
    claim (empty for unknown ids or when the formula cannot be typeset)."""
    from theory._latex import claim_latex
    from theory.claims import all_claims

    claim = next((c for c in all_claims() if c.id == claim_id), None)
    if claim is None:
        return []
    try:
        block = claim_latex(claim)
    except Exception:  # the report still renders; the formula is left out
        return []
    out, label = [], ""
    for line in block.splitlines():
        if line.startswith("% printed in the paper"):
            label = "printed in the paper"
        elif line.startswith("% derived by sympy"):
            label = "derived by sympy from the model"
        elif line.startswith("%") or not line.strip():
            continue
        elif label:
            out.append((label, line, _mathml(line)))
    return out


def _git_commit() -> str | None:
    here = Path(__file__).resolve().parent
    try:
        proc = subprocess.run(
            ["git", "-C", str(here), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    dirty = subprocess.run(
        ["git", "-C", str(here), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        timeout=5,
        check=False,
    )
    return proc.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


def provenance(records: Sequence[Mapping[str, Any]], **extra: Any) -> dict[str, Any]:
    """Where the numbers come from: run settings, versions, commit, date and machine."""
    run = dict(records[0].get("run", {})) if records else {}
    versions = {}
    for pkg in ("lsa-verify", "numpy", "sympy", "mpmath", "matplotlib", "latex2mathml"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = "not installed"
    out = {
        "seed": run.get("seed"),
        "tier": run.get("tier"),
        "alpha": run.get("alpha"),
        "claims": len(records),
        **{k: v for k, v in extra.items() if v is not None},
        "versions": versions,
        "git commit": _git_commit() or "none (not a git checkout)",
        "rendered": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "python": sys.version.split()[0],
        "machine": f"{platform.platform()}; {platform.machine()}; {os.cpu_count()} cores",
    }
    return out


def render_figures(tier: str, seed: int, enabled: bool) -> dict[str, str]:
    """The paper's figures rendered at ``tier`` as SVG text (``{}`` unless ``enabled``)."""
    if not enabled:
        return {}
    from theory._context import RunContext
    from theory.figures import FIGURES, get_figure

    ctx = RunContext(tier=tier, seed=int(seed or 0))
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for fid in FIGURES:
            path = Path(tmp) / f"{fid}.svg"
            get_figure(fid).render(ctx, path)
            svg = path.read_text(encoding="utf-8")
            out[fid] = svg[svg.find("<svg") :]
    return out


def _badge(verdict: str) -> str:
    bg, fg = _BADGE.get(verdict, ("#888", "#fff"))
    return (
        f'<span class="badge verdict" data-verdict="{html.escape(verdict)}" '
        f'style="background:{bg};color:{fg}">{html.escape(verdict)}</span>'
    )


def _num(x: Any, limit: int = 90) -> str:
    """A cell's text: floats to 6 digits, long values cut at ``limit`` characters."""
    if x is None:
        return ""
    if isinstance(x, float):
        return f"{x:.6g}"
    text = json.dumps(_round(x)) if isinstance(x, list) else str(x)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _round(x: Any) -> Any:
    if isinstance(x, float):
        return float(f"{x:.4g}")
    if isinstance(x, list):
        return [_round(v) for v in x]
    if isinstance(x, dict):
        return {k: _round(v) for k, v in x.items()}
    return x


def _counts_svg(records: Sequence[Mapping[str, Any]]) -> str:
    """A horizontal bar per verdict word (inline SVG, no external resource)."""
    counts = [(v.value, sum(r["verdict"] == v.value for r in records)) for v in Verdict]
    top = max([c for _, c in counts] + [1])
    rows = []
    for i, (word, n) in enumerate(counts):
        bg, _ = _BADGE[word]
        w = 1 + 520 * n / top
        y = 6 + 26 * i
        rows.append(
            f'<text x="120" y="{y + 15}" text-anchor="end" font-size="13">{word}</text>'
            f'<rect x="128" y="{y}" width="{w:.1f}" height="20" fill="{bg}"/>'
            f'<text x="{134 + w:.1f}" y="{y + 15}" font-size="13">{n}</text>'
        )
    height = 12 + 26 * len(counts)
    return (
        f'<svg id="verdict-chart" xmlns="http://www.w3.org/2000/svg" width="700" '
        f'height="{height}" viewBox="0 0 700 {height}" role="img" '
        f'aria-label="verdict counts">{"".join(rows)}</svg>'
    )


_EV_COLS = ("kind", "label", "scope", "outcome", "claimed", "measured", "stderr", "z", "p_value",
            "p_adjusted", "n_samples", "seed")


def _evidence_table(evidence: Sequence[Mapping[str, Any]]) -> str:
    """One row of numbers per record, its detail and parameters in a full-width row below."""
    head = "".join(f"<th>{c}</th>" for c in _EV_COLS)
    rows = []
    for e in evidence:
        cls = {"fail": "fail", "pass": "pass"}.get(e.get("outcome", ""), "undecided")
        cells = []
        for c in _EV_COLS:
            klass = {"claimed": "wide", "measured": "wide", "stderr": "wide"}.get(c, "")
            if c in ("z", "p_value", "p_adjusted", "n_samples", "seed"):
                klass = "num"
            attr = f' class="{klass}"' if klass else ""
            cells.append(f"<td{attr}>{html.escape(_num(e.get(c)))}</td>")
        rows.append(f'<tr class="{cls}">{"".join(cells)}</tr>')
        params = {k: v for k, v in e.get("params", {}).items() if k != "traceback"}
        extra = e.get("detail", "")
        if params:
            extra += (" · " if extra else "") + json.dumps(_round(params), ensure_ascii=False)
        if extra:
            cut = extra if len(extra) <= 600 else extra[:599] + "…"
            rows.append(
                f'<tr class="{cls}"><td class="detail" colspan="{len(_EV_COLS)}">'
                f"{html.escape(cut)}</td></tr>"
            )
    return f'<table class="evidence"><tr>{head}</tr>{"".join(rows)}</table>'


def _counter_example(evidence: Sequence[Mapping[str, Any]]) -> str:
    fails = [e for e in evidence if e.get("outcome") == "fail"]
    if not fails:
        return ""
    e = next((x for x in fails if not x.get("scope")), fails[0])
    parts = [f"<b>Counter-example</b> [{html.escape(e['kind'])}] {html.escape(e['label'])}"]
    nums = [
        f"{k} = {html.escape(_num(e[k]))}"
        for k in ("claimed", "measured", "stderr", "z", "p_adjusted", "seed")
        if e.get(k) is not None
    ]
    if nums:
        parts.append("<br><code>" + ", ".join(nums) + "</code>")
    params = {k: v for k, v in e.get("params", {}).items() if k != "traceback"}
    if params:
        parts.append(
            "<br>at <code>" + html.escape(json.dumps(params, ensure_ascii=False)[:800]) + "</code>"
        )
    if e.get("detail"):
        parts.append(f"<br>{html.escape(e['detail'][:800])}")
    return f'<div class="counter">{"".join(parts)}</div>'


def _mapping_list(title: str, items: Mapping[str, str]) -> str:
    if not items:
        return ""
    lis = "".join(
        f"<li><b>{html.escape(k)}</b>: {html.escape(str(v))}</li>" for k, v in items.items()
    )
    return f"<p><b>{title}</b></p><ul>{lis}</ul>"


def _claim_section(r: Mapping[str, Any], math: bool) -> str:
    cid = r["id"]
    out = [
        f'<section class="claim" id="claim-{html.escape(cid)}" data-claim="{html.escape(cid)}">',
        f"<h3>{html.escape(cid)} {_badge(r['verdict'])}</h3>",
        f'<p class="meta">{html.escape(r.get("reference", ""))}'
        + (f" · extends {html.escape(r['extends'])}" if r.get("extends") else "")
        + "</p>",
        f"<p>{html.escape(r.get('statement', ''))}</p>",
    ]
    if r.get("quote"):
        out.append(f"<blockquote>{html.escape(r['quote'])}</blockquote>")
    if r.get("summary"):
        out.append(f"<p><b>Evidence in one line:</b> {html.escape(r['summary'])}</p>")
    out.append(_mapping_list("Holds under these conditions", r.get("conditions", {})))
    out.append(_mapping_list("Choices the paper does not print", r.get("unprinted", {})))
    if r.get("notes"):
        out.append(f"<p><b>Notes:</b> {html.escape(r['notes'])}</p>")
    if math:
        for label, latex, mathml in claim_math(cid):
            out.append(
                f'<div class="formula" title="{html.escape(latex)}"><span class="meta">'
                f"{html.escape(label)}</span>{mathml}</div>"
            )
    out.append(_counter_example(r.get("evidence", [])))
    out.append(_evidence_table(r.get("evidence", [])))
    out.append("</section>")
    return "\n".join(x for x in out if x)


def render_html(
    records: Sequence[Mapping[str, Any]],
    *,
    source: str | None = None,
    seconds: float | None = None,
    figures: Mapping[str, str] | None = None,
    math: bool = True,
) -> str:
    """The report page for the run's JSON ``records`` (see the module docstring)."""
    prov = provenance(
        records,
        source=f"rendered from {source}" if source else "this run",
        **({"run seconds": round(seconds, 1)} if seconds is not None else {}),
    )
    rows = "".join(
        f'<tr><td><a href="#claim-{html.escape(r["id"])}">{html.escape(r["id"])}</a></td>'
        f"<td>{html.escape(r.get('reference', ''))}</td><td>{_badge(r['verdict'])}</td>"
        f"<td>{html.escape(r.get('summary', ''))}</td></tr>"
        for r in records
    )
    title = (
        f"lsa-verify report — tier {prov['tier']}, seed {prov['seed']}, α = {prov['alpha']}"
    )
    prov_rows = "".join(
        f"<tr><th>{html.escape(k)}</th><td>"
        + html.escape(
            ", ".join(f"{p} {v}" for p, v in val.items()) if isinstance(val, dict) else str(val)
        )
        + "</td></tr>"
        for k, val in prov.items()
    )
    figs = "".join(
        f'<figure class="fig" id="figure-{fid}">{svg}<figcaption>{fid}</figcaption></figure>'
        for fid, svg in (figures or {}).items()
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        "<p>Theory of linear self-attention post-trained by SFT and outcome supervision "
        "(arXiv:2603.01293), checked claim by claim: the printed formula against a sympy "
        "derivation from the model's definitions and a Monte Carlo simulation of the real "
        "model. Statistical evidence is decided by Holm's procedure over the whole run.</p>",
        '<h2 id="summary">Summary</h2>',
        _counts_svg(records),
        "<table class=\"summary\"><tr><th>claim</th><th>reference</th><th>verdict</th>"
        f"<th>evidence</th></tr>{rows}</table>",
    ]
    if figs:
        parts += ['<h2 id="figures">Figures</h2>', figs]
    parts += ['<h2 id="claims">Claims</h2>']
    parts += [_claim_section(r, math) for r in records]
    parts += [
        '<h2 id="provenance">Provenance</h2>',
        f'<table class="provenance">{prov_rows}</table>',
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"
