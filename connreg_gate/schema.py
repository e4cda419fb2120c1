"""JSON Schemas shipped in the package (``schemas/`` at the repo root is the same directory)."""
from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any


@functools.lru_cache(maxsize=None)
def load(name: str) -> dict[str, Any]:
    text = (resources.files("connreg_gate") / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def validator(name: str) -> Any:
    """A Draft 2020-12 validator for one of our schemas (jsonschema is imported lazily)."""
    from jsonschema import Draft202012Validator

    schema = load(name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)
