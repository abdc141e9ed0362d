"""The error family every domain raises; `http.errors` turns them into responses."""
from __future__ import annotations

from botocore.exceptions import ConnectionError as AwsConnectionError
from botocore.exceptions import HTTPClientError


class TrustloopError(Exception):
    """Base error: a status, a stable code, a message and (for bad input) the field."""

    status = 500
    code = "internal_error"
    retry_after: int | None = None  # seconds: a class that always says when to come back sets it

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        # Extra response headers (Retry-After on 429 and 503, and on a conflict worth retrying).
        self.headers: dict[str, str] = {} if self.retry_after is None else {
            "Retry-After": str(self.retry_after)}

    def to_body(self) -> dict[str, str | None]:
        return {"error": self.code, "message": self.message, "field": self.field}


class InvalidInputError(TrustloopError):
    status = 400
    code = "invalid_input"

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}", field)
        self.problem = problem


class UnauthorizedError(TrustloopError):
    status = 401
    code = "unauthorized"


class NotFoundError(TrustloopError):
    status = 404
    code = "not_found"


class ConflictError(TrustloopError):
    status = 409
    code = "conflict"


class PayloadTooLargeError(TrustloopError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaTypeError(TrustloopError):
    status = 415
    code = "unsupported_media_type"


class TooManyRequestsError(TrustloopError):
    """429: the caller is past its limit; Retry-After says when it may try again."""

    status = 429
    code = "too_many_requests"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.headers = {"Retry-After": str(max(1, retry_after))}


class UnprocessableError(TrustloopError):
    status = 422
    code = "unprocessable"


class UnavailableError(TrustloopError):
    status = 503
    code = "unavailable"
    retry_after: int | None = 2  # a 503 always says when to come back (RFC 9110 10.2.3)


# What AWS answers when it is busy rather than when we are wrong: botocore's own list of
# throttling codes (botocore/retries/standard.py), which its retries already tried to ride out.
_THROTTLED = frozenset({
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
    "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
    "SlowDown", "PriorRequestNotComplete", "RequestTimeout", "RequestTimeoutException",
    "InternalServerError", "InternalFailure", "ServiceUnavailable", "ServiceUnavailableException",
})
# Per-item reasons of a cancelled DynamoDB transaction (TransactWriteItems' CancellationReasons).
_THROTTLED_REASONS = frozenset({"ThrottlingError", "ProvisionedThroughputExceeded", "RequestLimitExceeded"})
_CONFLICTS = frozenset({"TransactionConflictException"})
CONFLICT_RETRY_SECONDS = 1


def aws_error_code(exc: BaseException) -> str | None:
    """The AWS error code a botocore ClientError carries (None for anything else)."""
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return None
    code = (response.get("Error") or {}).get("Code")
    return str(code) if code else None


def from_aws(exc: BaseException) -> TrustloopError | None:
    """AWS's 'try again' answers as ours: a conflicting write is 409, a busy service 503, both with
    Retry-After. Decided by error code and status, never by message text; None for anything else."""
    code = aws_error_code(exc)
    response = getattr(exc, "response", None) or {}
    reasons = {str(r.get("Code")) for r in response.get("CancellationReasons") or [] if isinstance(r, dict)}
    status = int((response.get("ResponseMetadata") or {}).get("HTTPStatusCode") or 0)
    if code in _CONFLICTS or (code == "TransactionCanceledException" and "TransactionConflict" in reasons):
        error: TrustloopError = ConflictError("a concurrent request changed the same data: retry")
        error.headers["Retry-After"] = str(CONFLICT_RETRY_SECONDS)
        return error
    if code in _THROTTLED or reasons & _THROTTLED_REASONS or (code and status >= 500) or _is_unreachable(exc):
        return UnavailableError("the service is busy: retry later")
    return None


def _is_unreachable(exc: BaseException) -> bool:
    """botocore could not reach or hear from AWS in time (its retries included)."""
    return isinstance(exc, AwsConnectionError | HTTPClientError)
