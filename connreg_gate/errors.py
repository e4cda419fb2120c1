"""One error base; every domain error carries the exit code it maps to."""
from __future__ import annotations

from connreg_gate import exit_codes


class GateError(Exception):
    """An error we expected and can explain to the user in one message."""

    exit_code = exit_codes.USAGE_ERROR


class InputError(GateError):
    """A file, flag or path the user gave us is unusable (exit 2)."""


class ConfigError(InputError):
    """`[tool.connreg]` or `.connreg.yaml` is invalid."""


class RulePackError(InputError):
    """A rule pack is invalid."""


class RegistryError(InputError):
    """The registry file cannot be read, parsed or validated."""


class MissingRegistryError(GateError):
    """There is no registry yet: the gate fails (exit 1) and says how to create one."""

    exit_code = exit_codes.GATE_FAILED
