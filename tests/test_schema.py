"""Typed answers (schema=): pydantic models, dataclasses and JSON Schema dicts, in both sandboxes."""

import dataclasses
import json

import pydantic
import pytest

from recursivelm import RLM, Limits, ScriptedModel
from recursivelm.cli import main

from conftest import block

DOC = "alpha\nthe vault code is 4417, kept by Ada\nomega\n"
SANDBOXES = ["inprocess", "isolated"]


class Vault(pydantic.BaseModel):
    code: int
    keeper: str


@dataclasses.dataclass
class VaultDC:
    code: int
    keeper: str


VAULT_SCHEMA = {"type": "object", "properties": {"code": {"type": "integer"}, "keeper": {"type": "string"}},
                "required": ["code", "keeper"]}


def make(replies, sandbox="inprocess", **limits):
    return RLM(ScriptedModel(replies=replies, name="scripted"), sandbox=sandbox, profile="default",
               limits=Limits(**limits))


@pytest.mark.parametrize("sandbox", SANDBOXES)
@pytest.mark.parametrize("schema", [Vault, VaultDC, VAULT_SCHEMA], ids=["pydantic", "dataclass", "json-schema"])
def test_a_fitting_final_gives_the_validated_object_and_its_json(sandbox, schema):
    rlm = make([block("FINAL({'code': 4417, 'keeper': 'Ada'})")], sandbox)
    r = rlm.run(DOC, "Which code, kept by whom?", schema=schema)
    assert r.status == "answered"
    assert json.loads(r.answer) == {"code": 4417, "keeper": "Ada"}
    expected = {"pydantic": Vault(code=4417, keeper="Ada"), "dataclass": VaultDC(4417, "Ada")}
    assert r.value == expected.get(getattr(schema, "__name__", "").replace("VaultDC", "dataclass").replace("Vault", "pydantic"),
                                   {"code": 4417, "keeper": "Ada"})


@pytest.mark.parametrize("sandbox", SANDBOXES)
def test_a_final_that_does_not_fit_is_refused_with_the_validation_error(sandbox):
    rlm = make([block("FINAL({'code': 'four', 'keeper': 'Ada'})"), block("FINAL({'code': 'four'})"),
                block("import json\nFINAL(json.dumps({'code': 4417, 'keeper': 'Ada'}))")],
               sandbox)
    r = rlm.run(DOC, "q", schema=Vault)
    assert r.value == Vault(code=4417, keeper="Ada") and r.iterations == 3
    first_refusal = rlm.model.calls[1][-1]["content"]
    assert "does not fit the answer's schema" in first_refusal and "code: Input should be a valid integer" in first_refusal
    # The same wrong answer again is refused again: a typed answer never counts until it fits.
    assert "keeper: Field required" in rlm.model.calls[2][-1]["content"]


def test_the_schema_is_in_the_system_prompt_of_the_root_only():
    child = ScriptedModel(respond=lambda m: block("FINAL('4417')"), name="child")
    root = ScriptedModel(replies=[block("c = rlm_query('code?')\nFINAL({'code': int(c), 'keeper': 'Ada'})")], name="root")
    r = RLM(root, child_model=child, sandbox="inprocess", profile="default").run(DOC, "q", schema=VAULT_SCHEMA)
    assert r.value == {"code": 4417, "keeper": "Ada"}
    assert '"keeper": {"type": "string"}' in root.calls[0][0]["content"]
    assert "JSON Schema" not in child.calls[0][0]["content"]


def test_refusals_stay_within_the_turn_limit_and_the_answer_now_turn_is_validated_too():
    rlm = make([block("FINAL('no idea')"), "FINAL({\"code\": 4417, \"keeper\": \"Ada\"})"], max_iterations=1)
    r = rlm.run(DOC, "q", schema=Vault)
    assert (r.status, r.limit) == ("limit", "max_iterations")
    assert r.value == Vault(code=4417, keeper="Ada") and json.loads(r.answer)["code"] == 4417


def test_an_answer_now_reply_that_does_not_fit_stays_text_with_no_value():
    r = make([block("FINAL(3)"), "I could not find it."], max_iterations=1).run(DOC, "q", schema=Vault)
    assert (r.status, r.value, r.answer) == ("limit", None, "I could not find it.")


def test_a_bad_schema_is_refused_in_one_line():
    with pytest.raises(ValueError, match="not a valid JSON Schema"):
        make([]).run(DOC, "q", schema={"type": "no-such-type"})
    with pytest.raises(ValueError, match="schema= takes a pydantic model class"):
        make([]).run(DOC, "q", schema=int)


def test_rlm_ask_schema_prints_the_json(tmp_path, capsys):
    script = tmp_path / "replies.json"
    script.write_text(json.dumps([block("FINAL({'code': 4417, 'keeper': 'Ada'})")]))
    schema = tmp_path / "vault.schema.json"
    schema.write_text(json.dumps(VAULT_SCHEMA))
    doc = tmp_path / "doc.txt"
    doc.write_text(DOC)
    code = main(["ask", str(doc), "q", "--model", f"scripted:{script}", "--schema", str(schema), "--sandbox",
                 "inprocess", "-q"])
    assert code == 0 and json.loads(capsys.readouterr().out) == {"code": 4417, "keeper": "Ada"}
    schema.write_text("[1, 2")
    assert main(["ask", str(doc), "q", "--model", f"scripted:{script}", "--schema", str(schema), "-q"]) == 2
    assert "is not JSON" in capsys.readouterr().err
