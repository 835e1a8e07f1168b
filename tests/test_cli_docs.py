"""The README's set-up commands are exactly what CI runs on a fresh machine, and every flag a user may pass
to `rlm ask` or `rlm serve` is in the docs."""

import re
from pathlib import Path

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text()


def setup_commands() -> list[str]:
    section = README.split("## Set-up: two commands", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [line for line in code.splitlines() if line.strip() and not line.startswith("#")]


def test_ci_runs_the_readme_commands_in_order():
    commands = setup_commands()
    assert commands == ["python3 -m pip install -e '.[embedded]' && rlm demo",
                        "python3 -m pip install -e '.[test]' && python3 -m pytest -q -rs"]
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line in commands]
    assert ci == commands  # each once, in the README's order
