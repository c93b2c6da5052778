"""Parallel runs give the same bytes as the serial run: seeds come from keys, not order."""

import importlib.util
import json

import pytest

from theory import get_claim
from theory._context import RunContext
from theory._runner import run_claims
from theory.cli import main

SUBSET = ["lemma_A1", "recursion", "lemma_A1_proof_line"]


def _json(capsys, *argv):
    code = main(["check", *SUBSET, "--json", "--seed", "3", *argv])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out, err


def test_jobs_2_is_byte_identical_to_serial(capsys):
    serial, _ = _json(capsys, "--jobs", "1", "--no-progress")
    parallel, err = _json(capsys, "--jobs", "2")
    assert parallel == serial
    assert [r["id"] for r in json.loads(parallel)] == SUBSET  # claim order, not finish order
    for cid in SUBSET:  # progress as units finish
        assert cid in err


def test_variants_run_in_process_alongside_workers():
    """A wrong variant cannot be rebuilt from its id in a worker: it runs locally, and is
    still refuted, with Holm over the whole run."""
    claim = get_claim("lemma_A1")
    name = next(iter(claim.wrong_variants))
    claims = [claim, claim.variant(name)]
    par = run_claims(claims, RunContext(seed=1), jobs=2)
    ser = run_claims(claims, RunContext(seed=1), jobs=1)
    assert [str(r.verdict) for r in par] == [str(r.verdict) for r in ser]
    assert str(par[1].verdict) == "refuted"
    assert [e.to_json() for r in par for e in r.evidence] == [
        e.to_json() for r in ser for e in r.evidence
    ]


@pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None,
    reason="dask.distributed not installed (the Makefile installs the 'distributed' extra)",
)
@pytest.mark.filterwarnings("ignore")  # Dask's own start-up warnings (ports, deprecations)
def test_dask_scheduler_matches_serial(capsys):
    from distributed import LocalCluster

    serial, _ = _json(capsys, "--jobs", "1", "--no-progress")
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        remote, _ = _json(capsys, "--scheduler", cluster.scheduler_address, "--no-progress")
    assert remote == serial


def test_unreachable_scheduler_is_one_line(capsys):
    if importlib.util.find_spec("distributed") is None:
        pytest.skip("dask.distributed not installed")
    code = main(["check", "lemma_A1", "--scheduler", "tcp://127.0.0.1:1", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "cannot reach a Dask scheduler" in err
