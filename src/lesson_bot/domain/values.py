"""`value`: a class decorator for the small immutable values built by the tens of thousands (tallies, facts and
lines of a report: about seven per member, some 225,000 for an organization of 30,000 members).

The type checker sees a frozen dataclass (`dataclass_transform(frozen_default=True)`): assigning a field is an error,
as with `@dataclass(frozen=True)`. At run time the class is a slotted dataclass with a hash of its fields, whose
`__init__` assigns the slots directly. A frozen dataclass's `__init__` goes through `object.__setattr__` for every
field, 3-4 times slower: about 0.1 s of an organization's quarter report (docs/assessment.md, "Rollups").
Values are still changed only with `dataclasses.replace`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar, dataclass_transform

T = TypeVar("T")


@dataclass_transform(frozen_default=True)
def value(cls: type[T]) -> type[T]:
    return dataclass(slots=True, unsafe_hash=True)(cls)
