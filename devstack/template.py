"""Read infra/: merge its fragments into one template and resolve intrinsic functions."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

INFRA_DIR = Path(__file__).resolve().parent.parent / "infra"


def load_template(infra_dir: Path = INFRA_DIR) -> dict[str, Any]:
    """Every infra/*.yaml deep-merged, in name order, into one template."""
    merged: dict[str, Any] = {}
    for path in sorted(infra_dir.glob("*.yaml")):
        deep_merge(merged, yaml.safe_load(path.read_text()) or {})
    return merged


def deep_merge(into: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    for key, value in other.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            deep_merge(into[key], value)
        else:
            into[key] = value
    return into


def owned_resources(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Resources infra/ declares itself (with a Type); the rest are overrides of chalice's."""
    return {k: v for k, v in template.get("Resources", {}).items() if "Type" in v}


def chalice_overrides(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Fragments merged into resources chalice generates (functions' events, for example)."""
    return {k: v for k, v in template.get("Resources", {}).items() if "Type" not in v}


def resource_refs(value: Any) -> set[str]:
    """The logical ids a value refers to (Ref, Fn::GetAtt, ${X} in Fn::Sub)."""
    found: set[str] = set()
    if isinstance(value, dict):
        if "Ref" in value:
            found.add(value["Ref"])
        if "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            found.add(target[0] if isinstance(target, list) else target.split(".")[0])
        if "Fn::Sub" in value:
            text, local = (value["Fn::Sub"], {}) if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"]
            found |= {m.split(".")[0] for m in re.findall(r"\$\{([^}!]+)\}", text)} - set(local)
        for v in value.values():
            found |= resource_refs(v)
    elif isinstance(value, list):
        for v in value:
            found |= resource_refs(v)
    return {f for f in found if not f.startswith("AWS::")}


class Resolver:
    """Resolves intrinsics against what has been provisioned so far."""

    def __init__(self, pseudo: dict[str, str]) -> None:
        self.pseudo = pseudo
        self.attrs: dict[str, dict[str, str]] = {}
        self.conditions: dict[str, Any] = {}

    def use_template(self, template: dict[str, Any]) -> None:
        """Parameters resolve to their defaults (what a deploy without overrides gets); conditions too."""
        for name, spec in (template.get("Parameters") or {}).items():
            self.pseudo.setdefault(name, str(spec.get("Default", "")))
        self.conditions = dict(template.get("Conditions") or {})

    def holds(self, condition: str) -> bool:
        """A template condition's value (parameters at their defaults)."""
        return bool(self.resolve(self.conditions[condition]))

    def ref(self, name: str) -> str:
        if name in self.pseudo:
            return self.pseudo[name]
        return self.attrs[name]["Ref"]

    def get_att(self, name: str, attr: str) -> str:
        return self.attrs[name][attr]

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if "Ref" in value:
            return self.ref(value["Ref"])
        if "Fn::GetAtt" in value:
            target = value["Fn::GetAtt"]
            name, attr = target if isinstance(target, list) else target.split(".", 1)
            return self.get_att(name, attr)
        if "Fn::Sub" in value:
            return self._sub(value["Fn::Sub"])
        if "Fn::If" in value:
            name, yes, no = value["Fn::If"]
            return self.resolve(yes if self.holds(name) else no)
        if any(key in value for key in ("Fn::Equals", "Fn::Not", "Condition")):
            return self._condition(value)
        if "Fn::Join" in value:
            sep, parts = value["Fn::Join"]
            return sep.join(str(p) for p in self.resolve(parts))
        return {k: self.resolve(v) for k, v in value.items()}

    def _condition(self, value: dict[str, Any]) -> Any:
        if "Fn::Equals" in value:
            left, right = self.resolve(value["Fn::Equals"])
            return str(left) == str(right)
        if "Fn::Not" in value:
            return not self.resolve(value["Fn::Not"][0])
        if len(value) == 1 and isinstance(value["Condition"], str):
            return self.holds(value["Condition"])
        return {k: self.resolve(v) for k, v in value.items()}

    def _sub(self, arg: Any) -> str:
        text, extra = (arg, {}) if isinstance(arg, str) else (arg[0], self.resolve(arg[1]))

        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in extra:
                return str(extra[name])
            if "." in name and not name.startswith("AWS::"):
                res, attr = name.split(".", 1)
                return self.get_att(res, attr)
            return self.ref(name)

        return re.sub(r"\$\{([^}!]+)\}", one, text)


def inline_state_machines(template: dict[str, Any], root: Path = INFRA_DIR.parent) -> dict[str, Any]:
    """For packaging: each `DefinitionUri` (a local ASL file) becomes an inline `Definition`.

    A local path would need `aws cloudformation package` to upload it, relative to the output
    template; inline, SAM applies `DefinitionSubstitutions` itself and the file stays the source.
    """
    import json

    for resource in template.get("Resources", {}).values():
        props = resource.get("Properties") or {}
        uri = props.get("DefinitionUri")
        if resource.get("Type") == "AWS::Serverless::StateMachine" and isinstance(uri, str):
            props["Definition"] = json.loads((root / uri).read_text())
            del props["DefinitionUri"]
    return template
