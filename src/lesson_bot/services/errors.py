"""Failures a service reports to its caller. They carry data, not UI text: the bot renders them per language."""

from __future__ import annotations

from lesson_bot.domain.permissions import Action, Grant


class ServiceError(Exception):
    """Base of every expected failure; anything else is a bug and goes to the error handler."""


class Refused(ServiceError):
    """The actor may not do this; `grant` says who may."""

    def __init__(self, action: Action, grant: Grant) -> None:
        super().__init__(f"{action} refused: requires {grant}")
        self.action = action
        self.grant = grant


class NotFound(ServiceError):
    """Something named by the caller does not exist (a branch, a member)."""

    def __init__(self, what: str, key: object) -> None:
        super().__init__(f"{what} {key!r} not found")
        self.what = what
        self.key = key


class InvalidInput(ServiceError):
    """A value the user typed is not acceptable; `field` names it and `problem` says why."""

    def __init__(self, field: str, problem: str, **params: object) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem
        self.params = params


class Conflict(ServiceError):
    """The request contradicts the current state (e.g. registering a branch twice)."""

    def __init__(self, problem: str, **params: object) -> None:
        super().__init__(problem)
        self.problem = problem
        self.params = params
