"""The HTML report: content from the run's records, offline, and rendered by a real browser."""

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from theory._html import load_run, render_html
from theory.cli import main

IDS = ["lemma_A1", "lemma_A1_proof_line"]  # one confirmed, one refuted (a counter-example)


@pytest.fixture(scope="module")
def run_json(tmp_path_factory):
    path = tmp_path_factory.mktemp("run") / "run.json"
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert main(["check", *IDS, "--json", "--no-progress", "--jobs", "1"]) == 0
    path.write_text(buf.getvalue())
    return path


@pytest.fixture(scope="module")
def report(run_json, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["report", "--from", str(run_json), "--out", str(out)]) == 0
    return out


def test_report_content(report, run_json):
    page = report.read_text(encoding="utf-8")
    records = json.loads(run_json.read_text())
    for r in records:
        assert f'id="claim-{r["id"]}"' in page
        assert f'data-verdict="{r["verdict"]}"' in page
        for e in r["evidence"]:
            assert e["label"].replace("&", "&amp;").replace("<", "&lt;")[:40] in page
    assert "Counter-example" in page  # the refuted proof line
    assert page.count("<math") >= 4  # printed and derived formula of each claim
    for key in ("seed", "tier", "alpha", "git commit", "numpy", "sympy", "machine", "rendered"):
        assert key in page
    # offline: nothing is fetched (the only URLs are XML namespaces)
    urls = set(re.findall(r"https?://[^\s\"'<>]+", page))
    assert urls <= {"http://www.w3.org/1998/Math/MathML", "http://www.w3.org/2000/svg"}, urls
    assert not list(report.parent.glob(".*.part"))  # the atomic write left no temp file


def test_report_rendering_is_a_function_of_the_records(run_json):
    records = load_run(run_json)
    a = render_html(records, math=False)
    b = render_html(records, math=False)
    strip = lambda s: re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", "", s)  # noqa: E731
    assert strip(a) == strip(b)
    flipped = [dict(records[0], verdict="refuted"), *records[1:]]
    assert strip(render_html(flipped, math=False)) != strip(a)


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

PROBE = """
<script>
(function () {
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.width, r.height]; };
  const fr = document.querySelector('mfrac');
  let stacked = false;
  if (fr && fr.children.length === 2) {
    const num = fr.children[0].getBoundingClientRect();
    const den = fr.children[1].getBoundingClientRect();
    stacked = num.bottom <= den.top + 1;  /* MathML layout: numerator above denominator */
  }
  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify({
    sections: [...document.querySelectorAll('section.claim')].map(s => s.dataset.claim),
    math: [...document.querySelectorAll('math')].map(box),
    stacked: stacked,
    svg: [...document.querySelectorAll('svg')].map(box),
  });
  document.body.appendChild(out);
})();
</script>
"""


def _chromium(*args: str) -> subprocess.CompletedProcess:
    profile = tempfile.mkdtemp(prefix="lsa-chromium-")
    try:
        return subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--host-resolver-rules=MAP * ~NOTFOUND",  # networking off
                f"--user-data-dir={profile}",
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make test installs it)")
def test_report_in_a_real_browser(report, run_json, tmp_path):
    probed = tmp_path / "probed.html"
    probed.write_text(
        report.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8"
    )
    proc = _chromium("--dump-dom", probed.as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    m = re.search(r'<pre id="probe">(.*?)</pre>', proc.stdout, re.S)
    assert m, proc.stdout[-2000:]
    probe = json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert probe["sections"] == [r["id"] for r in json.loads(run_json.read_text())]
    assert probe["math"] and all(w > 50 and h > 10 for w, h in probe["math"])
    assert probe["stacked"], "MathML not laid out: fraction not stacked"
    assert probe["svg"] and all(w > 100 and h > 50 for w, h in probe["svg"])

    shot = Path(tmp_path) / "report.png"
    proc = _chromium(f"--screenshot={shot}", "--window-size=1200,3000", report.as_uri())
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
