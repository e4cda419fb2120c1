"""Catalog exports: Backstage entities and a CycloneDX 1.6 BOM of services.

Both are deterministic (no timestamps or random serial numbers unless asked), so an
exported file committed to a catalog repository diffs cleanly.
"""
from __future__ import annotations

import re
import uuid
from typing import Any

import yaml

from connreg_gate import redact
from connreg_gate.registry.load import Registry

LIFECYCLE = {"active": "production", "planned": "experimental", "stale": "deprecated", "deprecated": "deprecated"}


def _name(text: str) -> str:
    """Backstage names: [a-z0-9A-Z-_.], at most 63 characters."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-._")[:63] or "unnamed"


def _owner(value: Any, default: str) -> str:
    return str(value) if value else default


def backstage(registry: Registry, project: dict[str, Any]) -> str:
    app = _name(project.get("name") or "app")
    default_owner = _owner(project.get("owner"), "unknown")
    docs: list[dict[str, Any]] = []
    depends = []
    for e in registry.entries:
        d = e.data
        is_api = e.section == "external_apis"
        kind = "Resource"
        ref = f"resource:default/{_name(e.id)}"
        depends.append(ref)
        annotations = {"connreg-gate.dev/provider": e.provider, "connreg-gate.dev/category": e.category}
        if d.get("secrets_ref"):
            annotations["connreg-gate.dev/secrets-ref"] = redact.mask(str(d["secrets_ref"]))
        links = [{"url": redact.mask(ep), "title": "endpoint"} for ep in (d.get("endpoints") or []) if str(ep).startswith(("http://", "https://"))]
        spec: dict[str, Any] = {
            "type": "external-api" if is_api else e.category,
            "owner": _owner(d.get("owner"), default_owner),
            "lifecycle": LIFECYCLE.get(e.status, "production"),
            "dependencyOf": [f"component:default/{app}"],
        }
        metadata: dict[str, Any] = {
            "name": _name(e.id), "title": d.get("name") or e.id,
            "description": d.get("description") or f"{e.provider} ({e.category})",
            "tags": sorted({_name(e.category).lower(), _name(e.provider).lower()}),
            "annotations": annotations,
        }
        if links:
            metadata["links"] = links
        docs.append({"apiVersion": "backstage.io/v1alpha1", "kind": kind, "metadata": metadata, "spec": spec})
    component = {
        "apiVersion": "backstage.io/v1alpha1", "kind": "Component",
        "metadata": {"name": app, "description": project.get("description") or f"{app} (from connections_registry.yaml)",
                     "annotations": {"connreg-gate.dev/registry": registry.path.rsplit("/", 1)[-1]}},
        "spec": {"type": "service", "owner": default_owner, "lifecycle": "production", "dependsOn": sorted(depends)},
    }
    out = [component] + sorted(docs, key=lambda d: d["metadata"]["name"])
    return redact.mask(yaml.safe_dump_all(out, sort_keys=False, default_flow_style=False, allow_unicode=True))


def cyclonedx(registry: Registry, project: dict[str, Any], timestamp: bool = False) -> str:
    try:
        from cyclonedx.model import DataClassification, DataFlow, Property, XsUri
        from cyclonedx.model.bom import Bom
        from cyclonedx.model.component import Component, ComponentType
        from cyclonedx.model.contact import OrganizationalEntity
        from cyclonedx.model.service import Service
        from cyclonedx.output.json import JsonV1Dot6
    except ImportError:
        from connreg_gate.errors import InputError

        raise InputError("CycloneDX export needs cyclonedx-python-lib: pip install 'connreg-gate[export]'") from None
    app = project.get("name") or "app"
    bom = Bom(serial_number=uuid.uuid5(uuid.NAMESPACE_URL, f"connreg-gate:{app}"))
    if not timestamp:
        bom.metadata.timestamp = None  # type: ignore[assignment]
    root = Component(name=app, type=ComponentType.APPLICATION, bom_ref=f"component:{app}")
    bom.metadata.component = root
    services = []
    for e in sorted(registry.entries, key=lambda e: e.id):
        d = e.data
        props = [Property(name="connreg:category", value=e.category), Property(name="connreg:provider", value=e.provider),
                 Property(name="connreg:status", value=e.status)]
        if d.get("owner"):
            props.append(Property(name="connreg:owner", value=str(d["owner"])))
        slo = ((d.get("health") or {}).get("slo") or {})
        for key, value in sorted(slo.items()):
            if value is not None:
                props.append(Property(name=f"connreg:slo.{key}", value=str(value)))
        cost = d.get("cost") or {}
        if isinstance(cost, dict) and cost.get("budget_monthly") is not None:
            props.append(Property(name="connreg:budget_monthly", value=f"{cost['budget_monthly']} {cost.get('currency', 'USD')}"))
        compliance = d.get("compliance") or {}
        classification = compliance.get("data_classification") if isinstance(compliance, dict) else None
        endpoints = [XsUri(redact.mask(str(ep))) for ep in (d.get("endpoints") or [])]
        service = Service(
            name=e.id, bom_ref=f"service:{e.id}",
            provider=OrganizationalEntity(name=d.get("name") or e.provider),
            description=d.get("description") or f"{e.provider} ({e.category})",
            endpoints=endpoints or None,
            authenticated=bool(d.get("secrets_ref")) or (d.get("auth_type") not in (None, "none")),
            x_trust_boundary=e.section == "external_apis",
            data=[DataClassification(flow=DataFlow.BI_DIRECTIONAL, classification=classification)] if classification else None,
            properties=props,
        )
        services.append(service)
        bom.services.add(service)
    bom.register_dependency(root, services)
    return redact.mask(JsonV1Dot6(bom).output_as_string(indent=2)) + "\n"
