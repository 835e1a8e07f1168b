"""The README never drifts from the code: every limit and every CLI flag it must mention is there."""

from dataclasses import fields
from pathlib import Path

from recursivelm.cli import build_parser
from recursivelm.settings import Limits

README = (Path(__file__).parent.parent / "README.md").read_text()


def test_every_limit_is_documented_with_its_flag_and_default():
    for f in fields(Limits):
        row = next((line for line in README.splitlines() if line.startswith(f"| `{f.name}` |")), None)
        assert row is not None, f"README lacks a row for {f.name}"
        assert f"`--{f.name.replace('_', '-')}`" in row
        default = "none" if f.default is None else f"{f.default:g}" if isinstance(f.default, float) else str(f.default)
        assert f"| {default} |" in row, f"README's default for {f.name} is stale: {row}"


def test_the_readme_test_command_is_what_ci_runs():
    ci = (Path(__file__).parent.parent / ".ci" / "run").read_text()
    command = "python3 -m pip install -e '.[test]' && python3 -m pytest -q -rs"
    assert command in README and command in ci


def test_every_cli_flag_of_ask_is_in_the_readme():
    ask = build_parser()._subparsers._group_actions[0].choices["ask"]
    for action in ask._actions:
        for flag in action.option_strings:
            if flag.startswith("--") and flag != "--help":
                assert flag in README, f"README does not mention {flag}"
