"""Atomic output: an interrupted write leaves the old file (or none), never half a file."""

import pytest

from theory._io import atomic_output, atomic_write_text, check_output_path
from theory.figures._output import write_csv


def test_interrupted_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    with pytest.raises(KeyboardInterrupt), atomic_output(target) as tmp:
        tmp.write_text("half a fi")
        raise KeyboardInterrupt
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]  # no temp file left


def test_completed_write_replaces_and_is_readable(tmp_path):
    target = tmp_path / "r.html"
    atomic_write_text(target, "<p>Σ</p>")
    assert target.read_text(encoding="utf-8") == "<p>Σ</p>"
    assert target.stat().st_mode & 0o044  # not left at mkstemp's private 0600
    write_csv(tmp_path / "d.csv", ["a", "b"], [[1, 2]], comment="c")
    assert (tmp_path / "d.csv").read_text() == "# c\na,b\n1,2\n"


def test_output_path_accepts_a_writable_place(tmp_path):
    assert check_output_path("out", tmp_path / "x.png", (".png",)) == tmp_path / "x.png"
    assert sorted(tmp_path.iterdir()) == []  # the probe file is gone
