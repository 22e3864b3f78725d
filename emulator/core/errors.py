"""The one error hierarchy. Each error knows its HTTP status and vendor code; `emulator.dialects.http.errors`
renders it in the envelope of the dialect that was called.

    EmulatorError
    ├── ValidationError        400  ValidationException
    │   ├── TooManyClauses     400  TooManyClauses (a query or one of its terms is too large)
    │   └── SearchTimeExceeded 400  TimeExceededException (a search ran out of its time)
    ├── AuthenticationError    401  (Jira's own 401 body)
    ├── PermissionDenied       403  PermissionException
    ├── NotFound               404  EntityNotFoundException
    ├── MethodNotAllowed       405  MethodNotAllowedException
    ├── Conflict               409  ConflictException
    ├── PayloadTooLarge        413  ValidationException
    ├── TooManyNamespaces      429  TooManyNamespaces
    ├── Unavailable            503  ServiceUnavailableException
    └── InsufficientStorage    507  InsufficientStorageException
"""

from __future__ import annotations

from emulator.core import auth_failure


class EmulatorError(Exception):
    """Base of every error the emulator answers with on purpose."""

    status = 500
    code = "InternalError"
    control_code: str | None = None  # the control routes' own `error` value, when it is not `code`

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field  # the offending request field, when one is to blame (the Cloud error lists it)


class ValidationError(EmulatorError):
    """The request is malformed or names something that does not exist."""

    status = 400
    code = "ValidationException"


class TooManyClauses(ValidationError):
    """A query has more clauses, or one of its terms expands to more terms, than a search may evaluate (Lucene's
    `BooleanQuery.TooManyClauses`)."""

    code = "TooManyClauses"


class SearchTimeExceeded(ValidationError):
    """A search ran longer than its time limit and was stopped (Lucene's `TimeLimitingCollector`)."""

    code = "TimeExceededException"


class AuthenticationError(EmulatorError):
    """Credentials are missing or wrong."""

    status = 401
    code = "AuthenticationException"

    def __init__(
        self,
        message: str = "Client must be authenticated to access this resource.",
        *,
        failed: bool = False,
        reason: str | None = None,
    ) -> None:
        super().__init__(message)
        self.failed = failed  # credentials were given but wrong (Jira sets X-Seraph-LoginReason)
        auth_failure.note(reason or message)  # for the journal and the log only; the answer stays the same


class PermissionDenied(EmulatorError):
    """The caller is known but may not do this."""

    status = 403
    code = "PermissionException"


class NotFound(EmulatorError):
    """The entity does not exist (or the caller may not see it)."""

    status = 404
    code = "EntityNotFoundException"


class MethodNotAllowed(EmulatorError):
    """The path exists, the method does not (the answer carries an `Allow` header)."""

    status = 405
    code = "MethodNotAllowedException"


class Conflict(EmulatorError):
    """The request clashes with the current state."""

    status = 409
    code = "ConflictException"


class PayloadTooLarge(EmulatorError):
    """The body is larger than the emulator accepts."""

    status = 413
    code = "ValidationException"


class TooManyNamespaces(EmulatorError):
    """One more namespace would pass `AIP_EMULATOR_MAX_NAMESPACES`."""

    status = 429
    code = "TooManyNamespaces"


class Unavailable(EmulatorError):
    """The server is still starting (seeding or indexing its data directory); the answer carries `Retry-After`."""

    status = 503
    code = "ServiceUnavailableException"  # the code an injected 503 carries too


class InsufficientStorage(EmulatorError):
    """A write could not be stored: the data directory is full, not writable or gone (nothing was changed)."""

    status = 507
    code = "InsufficientStorageException"
    control_code = "InsufficientStorage"
