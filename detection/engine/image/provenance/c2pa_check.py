"""C2PA Content Credentials: read the manifest store, its signer, validation state and actions.

A manifest that validates (state ``Valid`` or ``Trusted``) and whose active manifest has a
``c2pa.created`` action with digital source type ``trainedAlgorithmicMedia`` is the
generator's own signed statement that it made the image: conclusive. Signers are
"untrusted" unless the operator names trust anchors (``DETECTION_C2PA_TRUST_ANCHORS``, a
PEM file of CA certificates); a self-signed AI claim is still an admission, whereas a
camera-capture claim only counts for much when its signer is trusted.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from ... import settings
from .findings import (
    AI_SOURCE_TYPES,
    CAPTURE_SOURCE_TYPES,
    PARTLY_AI_SOURCE_TYPES,
    Finding,
    source_type_name,
)

log = logging.getLogger(__name__)

VALID_STATES = {"Valid", "Trusted"}


def _context() -> Any:
    import c2pa

    anchors = settings.current().image.c2pa_trust_anchors
    if not anchors:
        return None
    pem = Path(anchors).read_text()
    return c2pa.Context.from_json(json.dumps({"trust": {"trust_anchors": pem}}))


def _actions(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for assertion in manifest.get("assertions", []):
        if str(assertion.get("label", "")).startswith("c2pa.actions"):
            for action in assertion.get("data", {}).get("actions", []):
                agent = action.get("softwareAgent")
                found.append(
                    {
                        "action": action.get("action"),
                        "digital_source_type": source_type_name(
                            str(action.get("digitalSourceType", ""))
                        )
                        or None,
                        "software_agent": agent.get("name") if isinstance(agent, dict) else agent,
                    }
                )
    return found


def _generator(manifest: dict[str, Any]) -> str | None:
    info = manifest.get("claim_generator_info") or []
    if info and isinstance(info[0], dict):
        return " ".join(str(info[0].get(k, "")) for k in ("name", "version")).strip() or None
    return manifest.get("claim_generator")


def read_manifest_store(path: Path) -> dict[str, Any] | None:
    """The manifest store as JSON, or None when the file carries no C2PA data."""
    import c2pa

    try:
        reader = c2pa.Reader(str(path), context=_context())
    except c2pa.C2paError as exc:
        if "ManifestNotFound" in type(exc).__name__ or "no JUMBF" in str(exc):
            return None
        # A manifest that cannot even be parsed is itself worth reporting.
        return {"error": f"{type(exc).__name__}: {exc}"}
    with reader:
        store: dict[str, Any] = json.loads(reader.json())
        store["validation_state"] = reader.get_validation_state()
    return store


def check(path: Path) -> list[Finding]:
    try:
        store = read_manifest_store(path)
    except Exception as exc:  # the native library raises varied errors on odd files
        log.warning("C2PA read of %s failed: %s", path, exc)
        return []
    if store is None:
        return []
    if "error" in store:
        return [
            Finding(
                "c2pa",
                "weak",
                "ai",
                "C2PA data is present but cannot be read, so it proves nothing",
                {"error": store["error"]},
            )
        ]
    manifests: dict[str, Any] = store.get("manifests", {})
    active_label = str(store.get("active_manifest") or "")
    active = manifests.get(active_label, {})
    state = store.get("validation_state") or "Unknown"
    failures = [
        s.get("code")
        for s in store.get("validation_status") or []
        if s.get("code") != "signingCredential.untrusted"
    ]
    actions = _actions(active)
    signature = active.get("signature_info", {})
    details: dict[str, Any] = {
        "active_manifest": active_label,
        "claim_generator": _generator(active),
        "title": active.get("title"),
        "signer": {
            "issuer": signature.get("issuer"),
            "common_name": signature.get("common_name"),
            "alg": signature.get("alg"),
            "time": signature.get("time"),
        },
        "validation_state": state,
        "trusted_signer": state == "Trusted",
        "validation_failures": failures,
        "actions": actions,
        "manifest_count": len(manifests),
    }
    valid = state in VALID_STATES
    created_ai = [
        a
        for a in actions
        if a["action"] == "c2pa.created" and a["digital_source_type"] in AI_SOURCE_TYPES
    ]
    any_ai = [
        a for a in actions if a["digital_source_type"] in AI_SOURCE_TYPES | PARTLY_AI_SOURCE_TYPES
    ]
    ingredient_ai = [
        label
        for label, m in manifests.items()
        if label != active_label
        and any(a["digital_source_type"] in AI_SOURCE_TYPES for a in _actions(m))
    ]
    captured = [a for a in actions if a["digital_source_type"] in CAPTURE_SOURCE_TYPES]
    signer = signature.get("common_name") or signature.get("issuer") or "an unnamed signer"
    if created_ai and valid:
        agent = created_ai[0]["software_agent"] or details["claim_generator"] or "a generator"
        return [
            Finding(
                "c2pa",
                "conclusive",
                "ai",
                f"valid C2PA Content Credentials signed by {signer} state the image was "
                f"created by {agent} (digital source type trainedAlgorithmicMedia)",
                details,
            )
        ]
    if any_ai or ingredient_ai:
        why = (
            "but the file was altered after signing"
            if not valid
            else "for part of the image or one of its ingredients"
        )
        return [
            Finding(
                "c2pa",
                "strong",
                "ai",
                f"C2PA Content Credentials declare AI generation {why} (validation state {state})",
                {**details, "ingredient_manifests_with_ai": ingredient_ai},
            )
        ]
    if captured:
        trusted = state == "Trusted"
        return [
            Finding(
                "c2pa",
                "strong" if trusted else "weak",
                "real",
                f"C2PA Content Credentials declare a {captured[0]['digital_source_type']} "
                f"(validation state {state}"
                + (", signer trusted)" if trusted else ", signer not on the trust list)"),
                details,
            )
        ]
    return [
        Finding(
            "c2pa",
            "weak",
            "real",
            f"C2PA Content Credentials are present (validation state {state}) but declare no "
            "AI generation",
            details,
        )
    ]
