"""Fault injection rules (control-api.md): which vendor calls to delay or fail, and how. No FastAPI here.

A rule matches a call by method (any when unset) and path (exact or glob, with or without `.json`). The first
matching rule that is not spent and whose dice say yes applies to the call and counts a hit.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from emulator.core.errors import (
    AuthenticationError,
    Conflict,
    EmulatorError,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    ValidationError,
)
from emulator.core.journal import not_vendor
from emulator.search import regex

MAX_RULES = 1000
_BY_STATUS: dict[int, type[EmulatorError]] = {
    400: ValidationError,
    403: PermissionDenied,
    404: NotFound,
    409: Conflict,
    413: PayloadTooLarge,
}


@dataclass
class FaultRule:
    """One rule as asked for, with its id, hit count and dice."""

    id: int
    path: str
    method: str | None = None
    status: int | None = None
    body: Any = None
    delay_ms: int | None = None
    times: int | None = None
    probability: float | None = None
    seed: int | None = None
    retry_after: int | None = None
    hits: int = 0
    _dice: random.Random = field(default_factory=random.Random, repr=False)
    _glob: Callable[[str], bool] | None = field(default=None, repr=False)  # compiled once, when the rule is added

    @property
    def spent(self) -> bool:
        return self.times is not None and self.hits >= self.times

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method != method:
            return False
        wanted, path = _bare(self.path), _bare(path)
        return wanted == path or (self._glob or regex.glob(wanted))(path)


class InjectedFault(EmulatorError):
    """The error an injected fault answers with, rendered in the called dialect's envelope."""

    def __init__(self, status: int) -> None:
        phrase = HTTPStatus(status).phrase
        super().__init__(f"{phrase} (a fault injected by the emulator)")
        self.status = status
        known = _BY_STATUS.get(status)
        self.code = known.code if known else phrase.title().replace(" ", "").replace("-", "") + "Exception"


def fault_error(status: int) -> EmulatorError:
    """The vendor error for `status`: Jira's own 401, else an injected fault with the status's vendor code."""
    if status == 401:
        return AuthenticationError(reason="an injected fault (/_emulator/faults)")
    return InjectedFault(status)


class Faults:
    """The active rules, in the order they were added."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()
        self._next_id = 1

    @property
    def active(self) -> bool:
        return bool(self._rules)  # read without the lock: the hot path only needs "any at all"

    def add(self, rule: FaultRule) -> FaultRule:
        """Check and keep `rule` (its id is assigned here); 400 when it could never do anything."""
        _check(rule)
        if rule.method is not None:
            rule.method = rule.method.upper()
        rule._dice = random.Random(rule.seed)
        rule._glob = _compiled(rule.path)
        with self._lock:
            if len(self._rules) >= MAX_RULES:  # every vendor call tests them all
                raise Conflict(
                    f"At most {MAX_RULES} fault rules are kept at once; delete some first "
                    "(DELETE /_emulator/faults/{id}, or all of them with DELETE /_emulator/faults)"
                )
            rule.id, self._next_id = self._next_id, self._next_id + 1
            self._rules = [*self._rules, rule]
        return rule

    def all(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def remove(self, rule_id: int) -> None:
        with self._lock:
            kept = [r for r in self._rules if r.id != rule_id]
            if len(kept) == len(self._rules):
                raise NotFound(f"No fault rule with id {rule_id}")
            self._rules = kept

    def clear(self) -> None:
        with self._lock:
            self._rules = []

    def take(self, method: str, path: str) -> FaultRule | None:
        """The rule that applies to this call (counting its hit), if any."""
        with self._lock:
            for rule in self._rules:
                if rule.spent or not rule.matches(method, path):
                    continue
                if rule.probability is not None and rule._dice.random() >= rule.probability:
                    continue
                rule.hits += 1
                return rule
        return None


def _bare(path: str) -> str:
    return path.removesuffix(".json")


def _compiled(path: str) -> Callable[[str], bool]:
    """The rule's glob, compiled when it is added: a glob RE2 refuses is a 400 here, not a 500 on every vendor call
    (the glob cache holds 256; more rules than that were compiled again on each call, ~45 us each)."""
    try:
        return regex.glob(_bare(path))
    except regex.PatternError as exc:
        raise ValidationError(f"path: the glob cannot be matched ({exc}); use fewer wildcards", field="path") from None


def _check(rule: FaultRule) -> None:
    if not rule.path.startswith("/"):
        raise ValidationError("path: a fault's path starts with /", field="path")
    if not_vendor(rule.path):  # it could never act
        raise ValidationError("path: faults never touch the emulator's own routes", field="path")
    if rule.status is None and rule.delay_ms is None:
        raise ValidationError("a fault needs a status, a delayMs or both", field="status")
    if rule.status is None and rule.body is not None:
        raise ValidationError("body: a fault's body needs a status", field="body")
    if rule.status is None and rule.retry_after is not None:
        raise ValidationError("retryAfter: Retry-After needs a status (429 or 503)", field="retryAfter")
