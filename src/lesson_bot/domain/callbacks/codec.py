"""The callback-data codec: a kind of button is declared once, and the declaration encodes the button, matches
the tap (as a CallbackQueryHandler pattern) and decodes it into a typed value.

The wire format is `prefix:verb[:field...]`, at most 64 UTF-8 bytes. A kind is a frozen dataclass registered with
`@kind(prefix, *verbs)`; its fields are the parts after the verb (`int`, `str` without ':', a `date` as yyyymmdd),
and when it has several verbs its first field is `verb`. Optional fields (`X | None = None`) come last and are left
off when None. `fits` states what one kind's parts must agree on (which verbs carry an argument, say).
"""

from __future__ import annotations

import functools
import re
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any, ClassVar, Self, TypeVar, Union, get_args, get_origin, get_type_hints, overload

from lesson_bot.domain.ids import INT64_MAX, parse_id
from tgrules.limits import CALLBACK_DATA_MAX_BYTES

_DAY = re.compile(r"[0-9]{8}")
plain_int = parse_id  # a number part reads like any id a person types


def _int_out(value: object) -> str:
    if type(value) is not int or not 0 <= value <= INT64_MAX:
        raise ValueError(f"not an int in 0..2**63-1: {value!r}")
    return str(value)


def _str_in(text: str) -> str | None:
    return text or None


def _str_out(value: object) -> str:
    if not isinstance(value, str) or not value or ":" in value:
        raise ValueError(f"not a non-empty text without ':': {value!r}")
    return value


def _day_in(text: str) -> date | None:
    if not _DAY.fullmatch(text):
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _day_out(value: object) -> str:
    if not isinstance(value, date):
        raise ValueError(f"not a date: {value!r}")
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


_CODECS: dict[type, tuple[Callable[[str], Any], Callable[[object], str]]] = {
    int: (plain_int, _int_out), str: (_str_in, _str_out), date: (_day_in, _day_out),
}


@dataclass(frozen=True)
class _Part:
    name: str
    decode: Callable[[str], Any]
    encode: Callable[[object], str]
    optional: bool


class Callback:
    """A decoded tap; subclasses are the kinds, declared with `@kind`."""

    prefix: ClassVar[str]
    verbs: ClassVar[tuple[str, ...]]
    _parts: ClassVar[tuple[_Part, ...]]
    _has_verb: ClassVar[bool]

    def fits(self) -> bool:
        """Whether the parts agree with one another (a kind overrides this when some verbs take other parts)."""
        return True

    def encode(self) -> str:
        """The callback data; ValueError for a value Telegram would refuse or this codec could not read back."""
        verb = getattr(self, "verb") if self._has_verb else self.verbs[0]  # noqa: B009 (only some kinds have one)
        if verb not in self.verbs:
            raise ValueError(f"{type(self).__name__}: unknown verb {verb!r}")
        values = [getattr(self, part.name) for part in self._parts]
        while values and values[-1] is None and self._parts[len(values) - 1].optional:
            values.pop()
        if not self.fits() or None in values:
            raise ValueError(f"{type(self).__name__}: parts that do not go together: {self!r}")
        data = ":".join([self.prefix, verb, *(part.encode(v) for part, v in zip(self._parts, values, strict=False))])
        if len(data.encode()) > CALLBACK_DATA_MAX_BYTES:
            raise ValueError(f"callback data over {CALLBACK_DATA_MAX_BYTES} bytes: {data!r}")
        return data

    @classmethod
    def decode(cls, data: str) -> Self | None:
        """The tap `data` as this kind; None when it is not one (of another kind, or malformed)."""
        found = decode(data)
        return found if isinstance(found, cls) else None

    @classmethod
    def pattern(cls, data: object) -> bool:
        """A CallbackQueryHandler pattern: the tap's data decodes as this kind. python-telegram-bot tries every
        handler's pattern in turn, so another kind's data is turned away by its `prefix:verb` before decoding."""
        if not isinstance(data, str):
            return False
        head = data.split(":", 2)
        return len(head) > 1 and _REGISTRY.get((head[0], head[1])) is cls and cls.decode(data) is not None

    @classmethod
    def parse(cls, data: str) -> Self:
        """The tap `data` as this kind, in a handler whose pattern already matched it."""
        found = cls.decode(data)
        if found is None:
            raise ValueError(f"not {cls.__name__}: {data!r}")
        return found


_REGISTRY: dict[tuple[str, str], type[Callback]] = {}
C = TypeVar("C", bound=Callback)
A = TypeVar("A", bound=Callback)
B = TypeVar("B", bound=Callback)


def kind(prefix: str, *verbs: str) -> Callable[[type[C]], type[C]]:
    """Declare a frozen dataclass as the kind of callback data `prefix:verb:...` (for each of `verbs`)."""

    def register(cls: type[C]) -> type[C]:
        hints = get_type_hints(cls)
        declared = [f.name for f in fields(cls)]  # type: ignore[arg-type]  # checked: a dataclass or TypeError
        if not getattr(cls, "__dataclass_params__").frozen:  # noqa: B009 (decode() shares its values)
            raise TypeError(f"{cls.__name__}: a kind must be a frozen dataclass")
        has_verb = declared[:1] == ["verb"]
        if has_verb != (len(verbs) > 1) or not verbs:
            raise TypeError(f"{cls.__name__}: a kind of several verbs, and only that, has `verb` as its first field")
        parts: list[_Part] = []
        for name in declared[1:] if has_verb else declared:
            hint, optional = hints[name], False
            if get_origin(hint) in (Union, types.UnionType):
                (hint,), optional = [a for a in get_args(hint) if a is not type(None)], True
            if parts and parts[-1].optional and not optional:
                raise TypeError(f"{cls.__name__}.{name}: a required field after an optional one")
            parts.append(_Part(name, *_CODECS[hint], optional))
        cls.prefix, cls.verbs, cls._parts, cls._has_verb = prefix, verbs, tuple(parts), has_verb
        for verb in verbs:
            if (prefix, verb) in _REGISTRY or ":" in prefix + verb:
                raise TypeError(f"{cls.__name__}: {prefix}:{verb} declared twice, or with a ':'")
            _REGISTRY[prefix, verb] = cls
        return cls

    return register


# A tap's data is decoded three times on its way (the handler group's ordering key, the handler's pattern, the
# handler), and a group's members all tap the same button: decoded values are frozen, so one decoding serves all.
@functools.lru_cache(maxsize=4096)
def decode(data: str) -> Callback | None:
    """The tap `data` as whichever kind it is; None for anything malformed, unknown or over 64 bytes."""
    if len(data.encode()) > CALLBACK_DATA_MAX_BYTES:
        return None
    pieces = data.split(":")
    cls = _REGISTRY.get((pieces[0], pieces[1])) if len(pieces) > 1 else None
    if cls is None:
        return None
    texts, parts = pieces[2:], cls._parts
    if not sum(not p.optional for p in parts) <= len(texts) <= len(parts):
        return None
    verb = pieces[1]
    values: dict[str, Any] = {"verb": verb} if cls._has_verb else {}
    for part, text in zip(parts, texts, strict=False):
        value = part.decode(text)
        if value is None:
            return None
        values[part.name] = value
    found = cls(**values)
    return found if found.fits() else None


@overload
def parse(data: str, first: type[A], second: type[B], /) -> A | B: ...
@overload
def parse(data: str, *kinds: type[Callback]) -> Callback: ...
def parse(data: str, *kinds: type[Callback]) -> Callback:
    """The tap `data` as one of `kinds`, in a handler whose pattern (`any_of(*kinds)`) already matched it."""
    found = decode(data)
    if not isinstance(found, kinds):
        raise ValueError(f"not one of {kinds}: {data!r}")
    return found


def any_of(*kinds: type[Callback]) -> Callable[[object], bool]:
    """A CallbackQueryHandler pattern matching taps of any of `kinds` (another kind's data is turned away by its
    `prefix:verb` before decoding, as in Callback.pattern)."""

    def matches(data: object) -> bool:
        if not isinstance(data, str):
            return False
        head = data.split(":", 2)
        return len(head) > 1 and _REGISTRY.get((head[0], head[1])) in kinds and decode(data) is not None

    return matches


def declared() -> Sequence[type[Callback]]:
    """Every declared kind, once each (for tests)."""
    return list(dict.fromkeys(_REGISTRY.values()))
