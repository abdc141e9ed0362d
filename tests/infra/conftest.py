"""`make package STAGE=prod` once per session: the template and zip the infra tests judge."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from devstack.package import package


@pytest.fixture(scope="session")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The out/ directory of a prod package: sam.json, infra.json, deployment.zip."""
    out = tmp_path_factory.mktemp("out")
    package(out, stage="prod")
    return out


@pytest.fixture(scope="session")
def sam(packaged: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((packaged / "sam.json").read_text())
    return loaded
