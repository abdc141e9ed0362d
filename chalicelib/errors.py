"""The error family every domain raises; `http.errors` turns them into responses."""
from __future__ import annotations


class TrustloopError(Exception):
    """Base error: a status, a stable code, a message and (for bad input) the field."""

    status = 500
    code = "internal_error"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.headers: dict[str, str] = {}

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
