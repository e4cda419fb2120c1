"""JSON Schemas shipped in the package (``schemas/`` at the repo root is the same directory)."""
from __future__ import annotations

import functools
import json
import sys
from importlib import resources
from typing import Any

# rfc3987-syntax, when installed (jsonschema's format extras), compiles Lark grammars at
# import time: 0.8-2 s per process. We never check `format`, so keep it out. Import
# this module before anything from jsonschema.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


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
