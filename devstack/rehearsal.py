"""A deploy rehearsal without an account: the Serverless transform offline, then CloudFormation in moto.

`aws cloudformation deploy` would upload the zip, expand the SAM template (the transform, done
here by aws-sam-translator, the library AWS runs) and create the stack. moto's CloudFormation
cannot create every type; each of those is replaced by a stand-in topic that carries the same
logical id, Condition and DependsOn, and whose tags hold every Ref/GetAtt/Sub of the original's
properties, so moto must still resolve each of them. The order of creation is checked on the
expanded template itself (moto does not follow DependsOn).
"""
from __future__ import annotations

import copy
import json
import os
import re
from graphlib import TopologicalSorter
from pathlib import Path
from typing import Any

from devstack.template import resource_refs

REGION = "eu-west-1"
# A stand-in is a topic: its Ref is an ARN, as policies expect; a GetAtt of it becomes that Ref.
STAND_IN = "AWS::SNS::Topic"
EVENT_SOURCE_READS = {"sqs": "sqs:ReceiveMessage", "dynamodb": "dynamodb:GetRecords", "kinesis": "kinesis:GetRecords"}


class _Policies:
    """The AWS managed policies SAM templates name, by name (the transform asks IAM otherwise)."""

    def load(self) -> dict[str, str]:
        return {name: f"arn:aws:iam::aws:policy/{name}" for name in ("AWSXrayWriteOnlyAccess",)}


def translate(sam: dict[str, Any], code_uri: str) -> dict[str, Any]:
    """The Serverless transform, as CloudFormation runs it, on a template whose code is uploaded."""
    from samtranslator.translator.transform import transform

    sam = copy.deepcopy(sam)
    for resource in sam["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = code_uri
    os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
    pseudo = {"AWS::Region": REGION, "AWS::AccountId": "123456789012", "AWS::Partition": "aws"}
    translated: dict[str, Any] = transform(sam, pseudo, _Policies())
    return translated


def creation_order(template: dict[str, Any]) -> list[str]:
    """Every resource after what it refers to or DependsOn; raises graphlib.CycleError on a cycle."""
    resources = template["Resources"]
    graph = {}
    for name, resource in resources.items():
        deps = resource_refs(resource.get("Properties", {}))
        on = resource.get("DependsOn", [])
        deps |= {on} if isinstance(on, str) else set(on)
        graph[name] = {d for d in deps if d in resources}
    return list(TopologicalSorter(graph).static_order())


def unresolved_refs(template: dict[str, Any]) -> set[str]:
    known = set(template["Resources"]) | set(template.get("Parameters", {}))
    found = set()
    for resource in template["Resources"].values():
        found |= resource_refs(resource.get("Properties", {})) | set(_depends_on(resource))
    for output in template.get("Outputs", {}).values():
        found |= resource_refs(output)
    return found - known


def mappings_before_their_permissions(template: dict[str, Any]) -> list[str]:
    """Event source mappings that could poll before their role may read the source (none, if right)."""
    resources = template["Resources"]
    wrong = []
    for name, resource in resources.items():
        if resource["Type"] != "AWS::Lambda::EventSourceMapping":
            continue
        props = resource["Properties"]
        source = props["EventSourceArn"]
        action = EVENT_SOURCE_READS[_service(resources, source)]
        function = props["FunctionName"]["Ref"]
        role = resources[function]["Properties"]["Role"]["Fn::GetAtt"][0]
        granting = {p for p, r in resources.items() if r["Type"] == "AWS::IAM::Policy"
                    and {"Ref": role} in r["Properties"]["Roles"]
                    and _grants(r["Properties"]["PolicyDocument"], action, source)}
        if not granting or not granting <= _ancestors(template, name):
            wrong.append(name)
    return wrong


def stand_ins(template: dict[str, Any], supported: set[str]) -> tuple[dict[str, Any], list[str]]:
    """The template with each type moto cannot create replaced by a topic holding its references."""
    out = copy.deepcopy(template)
    replaced = []
    for name, resource in out["Resources"].items():
        if resource["Type"] in supported:
            continue
        refs = _intrinsics(resource.get("Properties", {}))
        out["Resources"][name] = {k: v for k, v in resource.items() if k in ("Condition", "DependsOn")} | {
            "Type": STAND_IN,
            "Properties": {"Tags": [{"Key": f"ref{i}", "Value": ref} for i, ref in enumerate(refs)]}}
        replaced.append(f"{name} ({resource['Type']})")
    return _get_att_as_ref(out, {r.split(" ")[0] for r in replaced}), replaced


def _get_att_as_ref(value: Any, names: set[str]) -> Any:
    if isinstance(value, dict):
        target = value.get("Fn::GetAtt")
        if isinstance(target, list) and target[0] in names:
            return {"Ref": target[0]}
        if isinstance(value.get("Fn::Sub"), str):
            text = value["Fn::Sub"]
            for name in names:
                text = re.sub(r"\$\{" + name + r"\.\w+\}", "${" + name + "}", text)
            return {"Fn::Sub": text}
        return {k: _get_att_as_ref(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_get_att_as_ref(v, names) for v in value]
    return value


def _intrinsics(value: Any) -> list[Any]:
    if isinstance(value, dict):
        if set(value) & {"Ref", "Fn::GetAtt", "Fn::Sub"}:
            if value.get("Ref") == "AWS::NoValue":
                return []
            return [value]
        return [x for v in value.values() for x in _intrinsics(v)]
    if isinstance(value, list):
        return [x for v in value for x in _intrinsics(v)]
    return []


def _depends_on(resource: dict[str, Any]) -> list[str]:
    on = resource.get("DependsOn", [])
    return [on] if isinstance(on, str) else list(on)


def _ancestors(template: dict[str, Any], name: str) -> set[str]:
    resources = template["Resources"]
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = resources[todo.pop()]
        for dep in (resource_refs(current.get("Properties", {})) | set(_depends_on(current))) & set(resources):
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen


def _service(resources: dict[str, Any], source: dict[str, Any]) -> str:
    target = source["Fn::GetAtt"][0]
    return resources[target]["Type"].split("::")[1].lower()


def _grants(document: dict[str, Any], action: str, source: dict[str, Any]) -> bool:
    for statement in document.get("Statement", []):
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        targets = statement.get("Resource", [])
        targets = [targets] if not isinstance(targets, list) else targets
        if statement.get("Effect") == "Allow" and action in actions and source in targets:
            return True
    return False


def load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded
