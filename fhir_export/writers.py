"""An export written as FHIR Bulk Data NDJSON (one file per resource type) or as one Bundle."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import IO, Any

from django.utils import timezone

from . import terminology as t
from .collect import Export


def _line(resource: dict[str, Any]) -> str:
    return json.dumps(resource, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_ndjson(export: Export, out_dir: Path) -> dict[str, int]:
    """``<ResourceType>.ndjson`` files in ``out_dir`` (created if needed; files of the same name
    are replaced). Returns the number of resources of each type."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, IO[str]] = {}
    try:
        for resource in export.resources():
            kind = resource["resourceType"]
            if kind not in files:
                files[kind] = (out_dir / f"{kind}.ndjson").open("w", encoding="utf-8")
            files[kind].write(_line(resource))
    finally:
        for handle in files.values():
            handle.close()
    return dict(export.counts)


def bundle(export: Export) -> dict[str, Any]:
    """A FHIR ``collection`` Bundle; each entry's fullUrl is the canonical base plus its
    relative reference, so "Patient/12" inside resolves to the entry for Patient 12."""
    now = timezone.now().replace(microsecond=0).isoformat()
    entries = [
        {
            "fullUrl": f"{t.base()}/{resource['resourceType']}/{resource['id']}",
            "resource": resource,
        }
        for resource in export.resources()
    ]
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": now},
        "type": "collection",
        "timestamp": now,
        "entry": entries,
    }
