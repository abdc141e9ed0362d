"""A small HTTP client for end-to-end tests against the `make run` stack."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import requests


@dataclass
class ApiClient:
    base_url: str
    origin: str | None = None

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = {"Origin": self.origin} if self.origin else {}
        return {**headers, **(extra or {})}

    def get(self, path: str, **params: Any) -> requests.Response:
        return requests.get(self.base_url + path, params=params, headers=self._headers(None), timeout=30)

    def send(self, method: str, path: str, body: Any = None,
             headers: dict[str, str] | None = None) -> requests.Response:
        data = None if body is None else json.dumps(body)
        hdrs = self._headers({"Content-Type": "application/json", **(headers or {})})
        return requests.request(method, self.base_url + path, data=data, headers=hdrs, timeout=30)

    def post(self, path: str, body: Any, headers: dict[str, str] | None = None) -> requests.Response:
        return self.send("POST", path, body, headers)

    def patch(self, path: str, body: Any, token: str | None = None) -> requests.Response:
        """`token`: a response's edit_token, sent as Authorization: Bearer."""
        return self.send("PATCH", path, body, {"Authorization": f"Bearer {token}"} if token else None)

    def delete(self, path: str) -> requests.Response:
        return self.send("DELETE", path)


def until(check: Any, limit: float = 30.0) -> Any:
    """The first truthy result of `check()`, polled every 0.2 s; fails after `limit` seconds."""
    import time

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError("the stack did not get there")
