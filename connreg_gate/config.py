"""`[tool.connreg]` in pyproject.toml or `.connreg.yaml` -> a frozen, validated Config."""
from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from typing import TYPE_CHECKING

from connreg_gate import validation_cache
from connreg_gate.errors import ConfigError

if TYPE_CHECKING:
    from connreg_gate import yamlio

DEFAULT_REGISTRY = "connections_registry.yaml"
DEFAULT_FAIL_ON = ("invalid_registry", "unregistered")


class Config(NamedTuple):
    root: Path
    source: str  # where it came from, for messages
    registry: str = DEFAULT_REGISTRY
    exclude: tuple[str, ...] = ()
    rule_packs: tuple[str, ...] = ()
    disable_rules: tuple[str, ...] = ()
    max_file_bytes: int = 1024 * 1024
    include_test_only: bool = False
    fail_on: tuple[str, ...] = DEFAULT_FAIL_ON
    usage: tuple[str, ...] = ()
    budget_gate: str = "projected"
    readiness: bool = True
    readiness_strict: bool = False

    @property
    def registry_path(self) -> Path:
        return self.root / self.registry

    def rule_pack_paths(self) -> list[Path]:
        return [self.root / p for p in self.rule_packs]


def _validate(data: Any, source: str, text: str, loaded: yamlio.LoadedYaml | None) -> None:
    if validation_cache.is_known_valid("config", text):
        return
    from connreg_gate.schema import validator

    errors = sorted(validator("config").iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        err = errors[0]
        where = source
        if loaded is not None:
            line, col = loaded.position(list(err.absolute_path))
            where = f"{source}:{line}:{col}"
        field = err.json_path.replace("$", "tool.connreg" if source.endswith("pyproject.toml") else "$", 1)
        raise ConfigError(f"{where}: {field}: {err.message}")
    validation_cache.remember_valid("config", text)


def load(root: Path) -> Config:
    """Read `.connreg.yaml` if present, else `[tool.connreg]`, else defaults."""
    yaml_path = root / ".connreg.yaml"
    data: Any = None
    source = "defaults"
    if yaml_path.exists():
        from connreg_gate import yamlio  # only when there is YAML to read: keeps PyYAML off the hot path

        loaded = yamlio.load(yaml_path, ConfigError)
        data = loaded.data if loaded.data is not None else {}
        source = str(yaml_path)
        if not isinstance(data, dict):
            raise ConfigError(f"{yaml_path}:1:1: expected a mapping of settings, got {type(data).__name__}")
        _validate(data, source, yamlio.read_text(yaml_path), loaded)
    else:
        pyproject = root / "pyproject.toml"
        if pyproject.exists():
            try:
                text = pyproject.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{pyproject}: cannot read: {exc}") from None
            if "[tool.connreg]" in text:
                try:
                    import tomllib
                except ImportError:  # pragma: no cover
                    import tomli as tomllib  # type: ignore[no-redef]
                try:
                    doc = tomllib.loads(text)
                except tomllib.TOMLDecodeError as exc:
                    raise ConfigError(f"{pyproject}: invalid TOML: {exc}") from None
                data = doc.get("tool", {}).get("connreg", {})
                source = str(pyproject)
                _validate(data, source, repr(data), None)
    data = data or {}
    return Config(
        root=root,
        source=source,
        registry=data.get("registry", DEFAULT_REGISTRY),
        exclude=tuple(data.get("exclude", ())),
        rule_packs=tuple(data.get("rule_packs", ())),
        disable_rules=tuple(data.get("disable_rules", ())),
        max_file_bytes=int(data.get("max_file_bytes", 1024 * 1024)),
        include_test_only=bool(data.get("include_test_only", False)),
        fail_on=tuple(sorted(set(data.get("fail_on", DEFAULT_FAIL_ON)))),
        usage=tuple(data.get("usage", ())),
        budget_gate=data.get("budget_gate", "projected"),
        readiness=bool(data.get("readiness", True)),
        readiness_strict=bool(data.get("readiness_strict", False)),
    )
