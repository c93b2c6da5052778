"""The README's examples run and print what the README says they print."""

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def _section_examples() -> list[tuple[str, str]]:
    text = README.read_text()
    section = text[text.index("## Your own claims") : text.index("## Speed")]
    return re.findall(r"```python\n(.*?)```\n\nprints\n\n```text\n(.*?)```", section, re.S)


def test_readme_user_claim_examples():
    examples = _section_examples()
    assert len(examples) >= 2
    namespace: dict = {}  # the examples build on each other, as a reader's session would
    for code, expected in examples:
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            exec(compile(code, "<README example>", "exec"), namespace)
        assert buf.getvalue() == expected
