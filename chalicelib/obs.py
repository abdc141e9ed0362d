"""Observability: the Powertools logger and metrics every module shares, and how failures are logged."""
from __future__ import annotations

import traceback
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics

from chalicelib.errors import aws_error_code

if TYPE_CHECKING:
    from collections.abc import Iterator

# Service name and namespace come from POWERTOOLS_SERVICE_NAME / POWERTOOLS_METRICS_NAMESPACE.
# Log ids only, never e-mails, comments or names (PRODUCT.md: no personal data in logs).
logger = Logger()
metrics = Metrics()

_FRAMES = 8


def with_request_id(event: Any, get_response: Any) -> Any:
    """HTTP middleware: every log line of a request carries API Gateway's request id."""
    logger.set_correlation_id((getattr(event, "context", None) or {}).get("requestId"))
    return get_response(event)


def correlate(message: Any) -> None:
    """A workflow or intake message's log lines carry its incident id, else its alert id."""
    body = message if isinstance(message, dict) else {}
    logger.set_correlation_id(body.get("incident_id") or body.get("alert_id"))


def log_failure(message: str, exc: BaseException, *, level: str = "error", **ids: Any) -> None:
    """Log a failure by its class, AWS error code and where it happened: never its text.

    An exception's message (and so `logger.exception`'s traceback) can carry what the failing call
    was given: an AWS validation error quotes the item, a KeyError the key, a parser the input.
    The frames (file, line, function) say where without saying what.
    """
    frames = traceback.extract_tb(exc.__traceback__)[-_FRAMES:]
    details = {
        "error_class": f"{type(exc).__module__}.{type(exc).__qualname__}",
        "error_code": aws_error_code(exc),
        "error_at": [f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} in {f.name}" for f in frames],
        **ids,
    }
    getattr(logger, level)(message, extra=details)


class LoggedFailureError(Exception):
    """An event handler's failure, already logged; its text is only the original class name."""


@contextmanager
def failure_logged(message: str, **ids: Any) -> Iterator[None]:
    """Log an escaping exception by class and code, then re-raise it without its text: the Lambda
    runtime and Powertools' batch processor log an uncaught exception's message (and traceback)."""
    try:
        yield
    except Exception as exc:
        log_failure(message, exc, **ids)
        raise LoggedFailureError(type(exc).__name__) from None
