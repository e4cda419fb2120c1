"""Resolve `secrets_ref`. Credentials come only from here, never from registry text."""
from __future__ import annotations

import os
from pathlib import Path

from connreg_gate.errors import InputError

EXTERNAL = ("aws-secrets://", "gcp-secrets://", "azure-keyvault://", "doppler://", "vault://", "op://",
            "1password://", "infisical://")


class NeedsExternalResolver(InputError):
    """A scheme we recognise but cannot resolve locally."""


def resolve(ref: str | None, base: Path) -> str | None:
    if not ref:
        return None
    if ref.startswith("env://"):
        return os.environ.get(ref[len("env://"):])
    if ref.startswith("file://"):
        path = Path(ref[len("file://"):])
        path = path if path.is_absolute() else base / path
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise InputError(f"secrets_ref {ref}: cannot read: {exc.strerror or exc}") from None
    if ref.startswith(EXTERNAL):
        scheme = ref.split("://", 1)[0]
        raise NeedsExternalResolver(
            f"secrets_ref {ref.split('://', 1)[0]}://... needs an external resolver ({scheme}); export the value "
            "and use env://VAR for probes"
        )
    raise InputError(f"secrets_ref {ref!r}: unknown scheme")
