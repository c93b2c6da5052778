"""A user's bad inputs, from one table: every one gives a one-line error naming the parameter
and exit status 2 on the command line, or ``InvalidArgument`` in the Python API — never a
traceback. ``{tmp}`` in an argument stands for a fresh temporary directory, ``{ro}`` for one
that accepts no new file, ``{bad_json}`` / ``{empty_json}`` for a malformed run file."""

import os
import re
import subprocess
import sys

import numpy as np
import pytest
from helpers import assert_invalid

from theory import RunContext, get_claim, quantities, strategies
from theory._io import check_output_path
from theory._params import parse_matrix, random_covariance
from theory.cli import main

RNG = np.random.default_rng(0)

CLI = [
    # global
    (["frobnicate"], "invalid choice"),
    (["--frobnicate"], "unrecognized arguments"),
    (["list", "extra"], "unrecognized arguments"),
    # check
    (["check", "--tier", "huge"], "tier='huge' is invalid"),
    (["check", "--tier", ""], "tier='' is invalid"),
    (["check", "--seed", "-1"], "seed=-1 is invalid"),
    (["check", "--seed", "1.5"], "seed='1.5' is invalid"),
    (["check", "--seed", "1e3"], "seed='1e3' is invalid"),
    (["check", "--seed", str(2**64)], "seed must be an integer in [0,"),
    (["check", "--alpha", "0"], "alpha=0.0 is invalid"),
    (["check", "--alpha", "1"], "alpha=1.0 is invalid"),
    (["check", "--alpha", "nan"], "alpha=nan is invalid"),
    (["check", "--alpha", "inf"], "alpha=inf is invalid"),
    (["check", "--alpha", "abc"], "alpha='abc' is invalid"),
    (["check", "--jobs", "0"], "jobs='0' is invalid: jobs must be an integer >= 1"),
    (["check", "--jobs", "-3"], "jobs='-3' is invalid"),
    (["check", "--jobs", "two"], "jobs='two' is invalid"),
    (["check", "--jobs", "1.5"], "jobs='1.5' is invalid"),
    (["check", "--scheduler", ""], "scheduler='' is invalid"),
    (["check", "no_such_claim"], "claim id 'no_such_claim' is unknown"),
    (["check", "lemma_A1", "nope"], "claim id 'nope' is unknown"),
    (["check", "--json", "--tier", "x"], "tier='x' is invalid"),
    # latex
    (["latex"], "the following arguments are required: ID"),
    (["latex", "no_such_claim"], "claim id 'no_such_claim' is unknown"),
    # at
    (["at"], "the following arguments are required: ID"),
    (["at", "nope"], "claim id 'nope' is unknown"),
    (["at", "sparsity_preserved"], "has no simulable quantity"),
    (["at", "lemma_A1", "--d", "0"], "d=0 is invalid: d must be an integer >= 1"),
    (["at", "lemma_A1", "--d", "-4"], "d=-4 is invalid"),
    (["at", "lemma_A1", "--d", "3.5"], "d='3.5' is invalid"),
    (["at", "lemma_A1", "--d", "5000"], "would need about"),
    (["at", "lemma_A1", "--d", "100000"], "of memory"),
    (["at", "lemma_A1", "--n", "0"], "n=0 is invalid"),
    (["at", "lemma_A1", "--n", "x"], "n='x' is invalid"),
    (["at", "lemma_A1", "--n", "100000000000"], "choose a smaller d or n"),
    (["at", "lemma_A1", "--eta", "1.5"], "eta=1.5 is invalid: eta must lie in (0, 1)"),
    (["at", "lemma_A1", "--eta", "nan"], "eta=nan is invalid"),
    (["at", "lemma_A1", "--eta", "x"], "eta='x' is invalid"),
    (["at", "lemma_A1", "--seed", "-2"], "seed=-2 is invalid"),
    (["at", "lemma_A1", "--tier", "x"], "tier='x' is invalid"),
    (["at", "lemma_A1", "--set", "Sigma"], "set='Sigma' is invalid"),
    (["at", "lemma_A1", "--set", "Foo=identity"], "matrix 'Foo' is invalid"),
    (["at", "lemma_A1", "--d", "1", "--set", "Sigma=[[1e400]]"], "entries must be finite"),
    (["at", "lemma_A1", "--d", "1", "--set", "Sigma=[[Infinity]]"], "entries must be finite"),
    (["at", "lemma_A1", "--d", "1", "--set", "Sigma=[[NaN]]"], "entries must be finite"),
    (["at", "lemma_A1", "--d", "1", "--set", "Sigma=[[1e300]]"], "entries must satisfy |x| <="),
    (["at", "lemma_A1", "--d", "1", "--set", "A=[[-1e60]]"], "entries must satisfy"),
    (["at", "lemma_A1", "--set", "Sigma=diag:1,inf,3"], "entries must be finite"),
    (["at", "lemma_A1", "--set", "Sigma=diag:1,2"], "diag needs d=3 values"),
    (["at", "lemma_A1", "--set", "Sigma=diag:1,x,3"], "Sigma='diag:1,x,3' is invalid"),
    (["at", "lemma_A1", "--set", "Sigma=random:cond=-5"], "condition must be >= 1"),
    (["at", "lemma_A1", "--set", "Sigma=random:cond=inf"], "cond must be a finite number"),
    (["at", "lemma_A1", "--set", "Sigma=random:cond=abc"], "is invalid: use identity"),
    (["at", "lemma_A1", "--set", "Sigma=[[1,2]"], "is invalid: use identity"),
    (["at", "lemma_A1", "--set", "Sigma=[[1,2],[3]]"], "is invalid: use identity"),
    (["at", "lemma_A1", "--set", "Sigma={}"], "is invalid: use identity"),
    (["at", "lemma_A1", "--set", "Sigma=[]"], "Sigma has shape"),
    (["at", "lemma_A1", "--set", "Sigma=[[1,0],[0,1]]"], "must have shape (3, 3)"),
    (["at", "lemma_A1", "--d", "2", "--set", "Sigma=[[1,2],[2,1]]"], "smallest eigenvalue"),
    (["at", "lemma_A1", "--d", "2", "--set", "Sigma=[[1,0.5],[0,1]]"], "not symmetric"),
    # figure
    (["figure", "fig_9", "--out", "{tmp}/x.png"], "figure id 'fig_9' is unknown"),
    (["figure", "fig_1"], "the following arguments are required: --out"),
    (["figure", "fig_1", "--out", "{tmp}/x.jpg"], "out must end in .png"),
    (["figure", "fig_1", "--out", "{tmp}/missing/x.png"], "does not exist"),
    (["figure", "fig_1", "--out", "{tmp}/sub.png"], "it is a directory"),
    (["figure", "fig_1", "--out", "{ro}/x.png"], "cannot create a file in"),
    (["figure", "fig_1", "--out", "{tmp}/x.png", "--tier", "x"], "tier='x' is invalid"),
    (["figure", "fig_1", "--out", "{tmp}/x.png", "--seed", "s"], "seed='s' is invalid"),
    # report
    (["report"], "the following arguments are required: --out"),
    (["report", "--out", "{tmp}/r.txt"], "out must end in .html"),
    (["report", "--out", "{tmp}/missing/r.html"], "does not exist"),
    (["report", "--out", "{ro}/r.html"], "cannot create a file in"),
    (["report", "--out", "{tmp}/r.html", "--tier", "x"], "tier='x' is invalid"),
    (["report", "--out", "{tmp}/r.html", "--jobs", "0"], "jobs='0' is invalid"),
    (["report", "--out", "{tmp}/r.html", "--from", "{tmp}/none.json"], "from="),
    (["report", "--out", "{tmp}/r.html", "--from", "{bad_json}"], "is not a JSON"),
    (["report", "--out", "{tmp}/r.html", "--from", "{empty_json}"], "no claims"),
    (["report", "--out", "{tmp}/r.html", "--from", "{tmp}"], "from="),
    (["report", "--out", "{tmp}/r.html", "--from", "{bad_json}", "lemma_A1"], "from is invalid"),
    # bench (errors only: its output is not touched here)
    (["bench", "--seconds", "0"], "seconds=0.0 is invalid"),
    (["bench", "--seconds", "inf"], "seconds=inf is invalid"),
    (["bench", "--seconds", "nan"], "seconds=nan is invalid"),
    (["bench", "--seconds", "x"], "seconds='x' is invalid"),
    (["bench", "--figures", "fig_9"], "figure id 'fig_9' is unknown"),
    (["bench", "--figures", "--tier", "huge"], "tier='huge' is invalid"),
]


@pytest.fixture
def paths(tmp_path):
    (tmp_path / "sub.png").mkdir()
    ro = tmp_path / "ro"
    ro.mkdir()
    (tmp_path / "bad.json").write_text("[{not json")
    (tmp_path / "empty.json").write_text("[]")
    fields = {
        "tmp": str(tmp_path),
        "ro": "/proc" if os.geteuid() == 0 else str(ro),  # root writes anywhere but /proc
        "bad_json": str(tmp_path / "bad.json"),
        "empty_json": str(tmp_path / "empty.json"),
    }
    os.chmod(ro, 0o500)
    yield fields
    os.chmod(ro, 0o700)


def _fill(arg: str, fields: dict) -> str:
    for key, value in fields.items():
        arg = arg.replace("{" + key + "}", value)
    return arg


@pytest.mark.parametrize("argv, message", CLI, ids=[" ".join(a) for a, _ in CLI])
def test_cli_bad_input(capsys, paths, argv, message):
    code = main([_fill(a, paths) for a in argv])
    out, err = capsys.readouterr()
    assert code == 2, (out, err)
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("lsa-verify: error: ")
    assert message in lines[0], lines[0]
    assert "Traceback" not in err and "Traceback" not in out


NOT_PSD = np.array([[1.0, 2.0], [2.0, 1.0]])
FR = quantities.frobenius_risk

API = [
    (strategies.covariances, (0,), {}, "d=0 is invalid"),
    (strategies.covariances, (-1,), {}, "d=-1 is invalid"),
    (strategies.covariances, (2.5,), {}, "d=2.5 is invalid"),
    (strategies.covariances, (3,), {"max_condition": -1.0}, "max_condition=-1.0 is invalid"),
    (strategies.covariances, (3,), {"max_condition": 0.5}, "max_condition=0.5 is invalid"),
    (strategies.covariances, (3,), {"max_condition": float("inf")}, "must be a finite number"),
    (strategies.covariances, (3,), {"max_condition": float("nan")}, "max_condition=nan"),
    (strategies.covariances, (3,), {"scale": 0.0}, "scale=0.0 is invalid"),
    (strategies.covariances, (3,), {"scale": -2.0}, "scale=-2.0 is invalid"),
    (strategies.covariances, (3,), {"singular": "yes"}, "singular='yes' is invalid"),
    (strategies.v_matrices, (0,), {}, "d=0 is invalid"),
    (strategies.v_matrices, (2,), {"scale": float("nan")}, "scale=nan is invalid"),
    (strategies.symmetric_matrices, (0,), {}, "d=0 is invalid"),
    (strategies.symmetric_matrices, (2,), {"scale": float("inf")}, "scale=inf is invalid"),
    (strategies.dimensions, (0,), {}, "min_d=0 is invalid"),
    (strategies.dimensions, (3, 2), {}, "need 1 <= min_d <= max_d"),
    (strategies.dimensions, (1, 2.5), {}, "max_d=2.5 is invalid"),
    (strategies.prompt_lengths, (0,), {}, "min_n=0 is invalid"),
    (strategies.prompt_lengths, (5, 4), {}, "need 1 <= min_n <= max_n"),
    (strategies.etas, (0.0,), {}, "min_eta=0.0"),
    (strategies.etas, (0.5, 0.2), {}, "need 0 < min_eta <= max_eta < 1"),
    (strategies.etas, (float("nan"),), {}, "min_eta=nan"),
    (RunContext, (), {"tier": "huge"}, "tier='huge' is invalid"),
    (RunContext, (), {"seed": -1}, "seed=-1 is invalid"),
    (RunContext, (), {"alpha": 2.0}, "alpha=2.0 is invalid"),
    (get_claim, ("thm_9_9",), {}, "claim id 'thm_9_9' is unknown"),
    (random_covariance, (RNG, 2), {"condition": 0.5}, "condition must be >= 1"),
    (parse_matrix, ("A", "[[1e400]]", 1, RNG), {}, "entries must be finite"),
    (parse_matrix, ("A", "[[1e200]]", 1, RNG), {}, "entries must satisfy"),
    (parse_matrix, ("A", "diag:nan,1", 2, RNG), {}, "entries must be finite"),
    (FR.make_point, (2, 3, {"Sigma": NOT_PSD}, RNG), {}, "smallest eigenvalue"),
    (FR.make_point, (0, 3, {}, RNG), {}, "d=0 is invalid"),
    (FR.make_point, (2, 3, {"Sigma": np.zeros((0, 0))}, RNG), {}, "Sigma has shape"),
    (check_output_path, ("out", "/no/such/dir/x.png"), {}, "does not exist"),
    (check_output_path, ("out", ""), {}, "out must be a file name"),
]


@pytest.mark.parametrize(
    "fn, args, kwargs, message", API, ids=[f"{f.__qualname__}{a}{k}" for f, a, k, _ in API]
)
def test_api_bad_input(fn, args, kwargs, message):
    assert_invalid(fn, *args, match=re.escape(message), **kwargs)


def test_table_is_large_enough():
    assert len(CLI) + len(API) >= 60


def _run(argv, env=None, encoding="utf-8"):
    return subprocess.run(
        [sys.executable, "-m", "theory.cli", *argv],
        capture_output=True,
        encoding=encoding,
        env={**os.environ, **(env or {})},
    )


def test_closed_stdout_is_quiet():
    """``lsa-verify list | head -1``: the reader leaves early; no BrokenPipeError trace."""
    proc = subprocess.run(
        f"{sys.executable} -m theory.cli list | head -c 10",
        shell=True,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0 and len(proc.stdout) == 10
    assert proc.stderr == "", proc.stderr


@pytest.mark.parametrize("enc", ["ascii", "latin-1"])
def test_non_utf8_terminal(enc):
    proc = _run(["list"], env={"PYTHONIOENCODING": enc, "LANG": "C", "LC_ALL": "C"}, encoding=enc)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "UnicodeEncodeError" not in proc.stderr
    assert "prop_5_1" in proc.stdout
    if enc == "ascii":
        assert proc.stdout.isascii()


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0 and capsys.readouterr().out.startswith("lsa-verify ")
    for sub in ("check", "report", "at", "figure", "latex", "bench"):
        with pytest.raises(SystemExit) as exc:
            main([sub, "--help"])
        text = capsys.readouterr().out
        assert exc.value.code == 0 and "usage:" in text
        lines = text.splitlines()
        for i, line in enumerate(lines):  # every option and argument carries a help text
            item = line.strip()
            if line.startswith("  ") and not line.startswith("      ") and "  " not in item:
                if item.startswith("-h") or not item:
                    continue
                nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
                assert nxt and not nxt.startswith("-"), (sub, line)
