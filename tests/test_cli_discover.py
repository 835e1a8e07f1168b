"""Finding one's way: rlm --version, rlm models, the default model from $RECURSIVELM_MODEL or the config file,
"did you mean" for a bare model name, a local server that is not running, and shell completion."""

import json
import os
import shutil
import socket
import subprocess
import sys

import pytest

RLM = [sys.executable, "-m", "recursivelm.cli"]


def run(args, env=None, stdin="some text"):
    environment = {k: v for k, v in os.environ.items()
                   if not (k.startswith("RECURSIVELM_") or k == "RLM_MODEL") or k == "RECURSIVELM_CACHE"}
    return subprocess.run(RLM + args, input=stdin, capture_output=True, text=True, timeout=60,
                          env={**environment, **(env or {})})


def scripted(tmp_path, answer="from the script"):
    path = tmp_path / "replies.json"
    path.write_text(json.dumps([f"```python\nFINAL({answer!r})\n```"]))
    return f"scripted:{path}"


def test_version():
    from importlib.metadata import version

    p = run(["--version"])
    assert (p.returncode, p.stdout.strip()) == (0, f"rlm {version('recursivelm')}")


def test_models_lists_providers_keys_and_the_default(tmp_path):
    p = run(["models"], env={"OPENAI_API_KEY": "sk-x", "XDG_CONFIG_HOME": str(tmp_path)})
    assert p.returncode == 0 and p.stderr == ""
    assert p.stdout.startswith("default model: embedded (built in)")
    assert "$OPENAI_API_KEY set" in p.stdout and "$ANTHROPIC_API_KEY NOT set" in p.stdout
    assert "window 4,096 tokens" in p.stdout  # Ollama's default num_ctx, which cuts long prompts silently
    assert "openai/gpt-4o " in p.stdout and "$2.5 / $10" in p.stdout  # from genai-prices
    assert "sk-x" not in p.stdout  # whether a key is set, never the key
    data = json.loads(run(["models", "--json"], env={"RECURSIVELM_MODEL": "openai/gpt-5-mini"}).stdout)
    assert data["defaults"]["model"] == {"value": "openai/gpt-5-mini", "from": "$RECURSIVELM_MODEL"}
    claude = next(m for m in data["models"] if m["name"] == "anthropic/claude-sonnet-4-5")
    assert (claude["usd_per_1m_input"], claude["usd_per_1m_output"]) == (3.0, 15.0)  # not the >200K tier


def test_the_default_model_comes_from_the_environment_then_the_config_file(tmp_path):
    (tmp_path / "a").mkdir()
    env_model = scripted(tmp_path / "a", "env")
    (tmp_path / "b").mkdir()
    file_model = scripted(tmp_path / "b", "file")
    config = tmp_path / "recursivelm" / "config.toml"
    config.parent.mkdir()
    config.write_text(f'model = "{file_model}"\n')
    base = ["ask", "-", "q", "-q", "--sandbox", "inprocess"]
    p = run(base, env={"XDG_CONFIG_HOME": str(tmp_path)})
    assert (p.returncode, p.stdout) == (0, "file\n"), p.stderr
    p = run(base, env={"XDG_CONFIG_HOME": str(tmp_path), "RECURSIVELM_MODEL": env_model})
    assert (p.returncode, p.stdout) == (0, "env\n"), p.stderr
    p = run(base + ["--model", scripted(tmp_path, "flag")], env={"RECURSIVELM_MODEL": env_model})
    assert (p.returncode, p.stdout) == (0, "flag\n"), p.stderr
    p = run(base, env={"XDG_CONFIG_HOME": str(tmp_path), "RLM_MODEL": env_model})  # the short alias
    assert (p.returncode, p.stdout) == (0, "env\n"), p.stderr
    p = run(base, env={"RECURSIVELM_MODEL": env_model, "RLM_MODEL": file_model})  # the long name wins
    assert (p.returncode, p.stdout) == (0, "env\n"), p.stderr


@pytest.mark.parametrize("content, says", [
    ("model = \n", "cannot read the config file"),
    ('modle = "openai/gpt-5"\n', "unknown setting 'modle'"),
    ("model = 5\n", "model must be a model name"),
])
def test_a_bad_config_file_is_one_line_and_exit_2(tmp_path, content, says):
    config = tmp_path / "config.toml"
    config.write_text(content)
    p = run(["ask", "-", "q"], env={"RECURSIVELM_CONFIG": str(config)})
    assert p.returncode == 2 and says in p.stderr and len(p.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("name, meant", [("gpt-4o", "openai/gpt-4o"), ("claude-sonnet-4-5", "anthropic/claude-sonnet-4-5"),
                                         ("qwen3:8b", "ollama/qwen3:8b"),
                                         ("gemini/gemini-2.5-flash", "litellm/gemini/gemini-2.5-flash")])
def test_a_model_name_without_its_provider_gets_a_suggestion(name, meant):
    p = run(["ask", "-", "q", "--model", name])
    assert p.returncode == 2 and f"did you mean '{meant}'?" in p.stderr and "Traceback" not in p.stderr


def test_a_local_server_that_is_not_running_is_one_line_not_four_retries():
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    p = run(["ask", "-", "q", "--model", "ollama/qwen3:8b"], env={"OLLAMA_BASE_URL": f"http://127.0.0.1:{port}/v1"})
    assert p.returncode == 2 and len(p.stderr.strip().splitlines()) == 1
    assert f"cannot reach ollama at http://127.0.0.1:{port}/v1" in p.stderr and "is ollama running there?" in p.stderr
    assert "ollama serve" in p.stderr


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_bash_completion_completes_commands_flags_and_choices():
    script = run(["completion", "bash"]).stdout
    probe = script + """
complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=(); _rlm; echo "${COMPREPLY[*]}"; }
complete_words rlm mo
complete_words rlm ask --allow
complete_words rlm ask --sandbox in
"""
    p = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, timeout=30)
    assert p.stdout.splitlines() == ["models", "--allow-unpriced", "inprocess"], p.stderr


def test_zsh_and_fish_scripts_name_every_command():
    for shell in ("zsh", "fish"):
        p = run(["completion", shell])
        assert p.returncode == 0
        for command in ("ask", "serve", "view", "models", "completion"):
            assert command in p.stdout
    assert "bashcompinit" in run(["completion", "zsh"]).stdout
    assert "-l allow-unpriced" in run(["completion", "fish"]).stdout
