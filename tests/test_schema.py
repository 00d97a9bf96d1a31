"""derivtex schema (the JSON Schema agrees with the spec reader) and derivtex new."""

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml
from helpers import GOOD, invoke

from gen.errors import SpecError
from gen.schema import SCHEMA_FILE, schema
from gen.spec import keys as reader

DERIVATIONS = Path(__file__).parent.parent / "derivations"


def valid(text: str) -> bool:
    try:
        jsonschema.validate(yaml.safe_load(text), schema())
    except jsonschema.ValidationError:
        return False
    return True


def loads(text: str) -> bool:
    try:
        reader.parse_spec(text, "x.yaml")
    except SpecError:
        return False
    return True


def test_the_schema_is_a_valid_schema_printed_by_the_cli():
    result = invoke("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == schema()
    jsonschema.Draft202012Validator.check_schema(schema())


def test_its_keys_are_the_readers():
    properties = schema()["properties"]
    assert set(properties) == set(reader._TOP_LEVEL)
    assert set(properties["check"]["properties"]) == set(reader._CHECK_KEYS)
    symbol = properties["symbols"]["additionalProperties"]["anyOf"][1]
    assert set(symbol["properties"]) == set(reader._SYMBOL_KEYS)


@pytest.mark.parametrize("path", sorted(DERIVATIONS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_catalog_spec_validates(path):
    assert valid(path.read_text(encoding="utf-8"))


SCALAR = "symbols:\n  t:\n  X: {shape: [n, n]}\nfunction: det(X + t*X)\nwrt: t\n"
GOOD_VARIANTS = {
    "a number declared empty": SCALAR,
    "one method, not a list": GOOD + "methods: directional\n",
    "a tolerance YAML 1.1 reads as text": GOOD + "check: {tolerance: 1e-8, samples: 5, seed: 7}\n",
    "one reference": GOOD + "references: Minka\n",
    "integer dimensions": GOOD.replace("[n, n]", "[3, 3]"),
}
BAD_VARIANTS = {
    "unknown key": GOOD + "method: [differential]\n",
    "unknown assumption": GOOD.replace("invertible", "invertibel"),
    "three dimensions": GOOD.replace("[n, n]", "[n, n, n]"),
    "order 3": GOOD + "order: 3\n",
    "no methods": GOOD + "methods: []\n",
    "no wrt": GOOD.replace("wrt: X\n", ""),
    "no samples": GOOD + "check: {samples: 0}\n",
    "a reserved name": GOOD.replace("  X:", "  tr:").replace("X^-1", "tr^-1").replace("wrt: X", "wrt: tr"),
    "an empty function": GOOD.replace("tr(X^-1)", "''"),
    "a compared value without label": GOOD + "compare:\n  - {expr: X}\n",
    "a zero dimension": GOOD.replace("[n, n]", "[0, 0]"),
}


@pytest.mark.parametrize("text", GOOD_VARIANTS.values(), ids=GOOD_VARIANTS)
def test_specs_the_reader_accepts_validate(text):
    assert loads(text) and valid(text)


@pytest.mark.parametrize("text", BAD_VARIANTS.values(), ids=BAD_VARIANTS)
def test_specs_the_reader_refuses_do_not_validate(text):
    assert not loads(text) and not valid(text)


def test_new_writes_a_spec_that_names_the_schema_and_checks(tmp_path):
    result = invoke("new", "my_gradient", "-o", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"wrote {tmp_path / 'my_gradient.yaml'}\n"
    text = (tmp_path / "my_gradient.yaml").read_text(encoding="utf-8")
    assert text.startswith(f"# yaml-language-server: $schema={SCHEMA_FILE}\n")
    assert "\ntitle: My gradient\n" in text and "\n# claim: " in text
    assert json.loads((tmp_path / SCHEMA_FILE).read_text(encoding="utf-8")) == schema()
    assert valid(text)
    uncommented = re.sub(r"^# (?=[a-z_]+:|  - )", "", text, flags=re.M).replace("order: 2", "order: 1")
    assert valid(uncommented) and loads(uncommented)  # every key shown is one the reader takes
    check = invoke("check", tmp_path / "my_gradient.yaml")
    assert check.exit_code == 0 and check.stdout.startswith(f"ok  {tmp_path / 'my_gradient.yaml'}: grad_X")


def test_new_never_overwrites_and_refuses_odd_names(tmp_path):
    assert invoke("new", "a", "-o", tmp_path).exit_code == 0
    again = invoke("new", "a", "-o", tmp_path)
    assert again.exit_code == 2 and again.stderr == f"{tmp_path / 'a.yaml'}:1:1: exists; not overwritten\n"
    odd = invoke("new", "../a b", "-o", tmp_path)
    assert (
        odd.exit_code == 2
        and odd.stderr == "../a b:1:1: '../a b' is not a spec name (letters, digits, _ and -)\n"
    )
