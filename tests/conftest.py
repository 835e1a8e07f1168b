import pytest

from recursivelm import RLM, Limits, ScriptedModel


def block(code: str, tag: str = "python") -> str:
    return f"```{tag}\n{code}\n```"


@pytest.fixture
def make_rlm():
    """RLM on scripted models: `make_rlm(["reply 1", ...], sub=lambda msgs: ..., **limits)`."""

    def make(replies, sub=None, profile="default", log=None, **limits):
        root = ScriptedModel(replies=replies, name="scripted")
        sub_model = ScriptedModel(respond=sub or (lambda m: f"sub says: {m[-1]['content'][:40]}"), name="scripted-sub")
        return RLM(root, sub_model=sub_model, limits=Limits(**limits), profile=profile, log=log)

    return make
