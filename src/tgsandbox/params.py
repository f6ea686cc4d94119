"""Typed access to Bot API request parameters, whatever the body encoding.

Telegram accepts query strings, urlencoded and multipart forms (every value a string, nested objects as
JSON text) and JSON bodies (native values). `Params` reads both the way the Bot API does: "123" and 123 are
the same integer, "true"/"True"/"1" are true, and a JSON string holding an object is decoded on demand.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tgsandbox.errors import bad_request

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off", ""}


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    content: bytes
    content_type: str


@dataclass
class Params:
    """The parameters of one Bot API call, plus any uploaded file parts by field name."""

    values: Mapping[str, Any]
    files: Mapping[str, Upload] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        """Whether the parameter is present and not null."""
        return self.values.get(name) is not None or name in self.files

    def raw(self, name: str) -> Any:
        """The parameter as received (str for forms, any JSON value for JSON bodies), or None."""
        return self.values.get(name)

    def string(self, name: str, *, required: bool = False) -> str | None:
        """A string parameter; numbers are accepted and turned into text, as Telegram does."""
        value = self.values.get(name)
        if value is None:
            if required:
                raise bad_request(f"{name} is empty")
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float | str):
            return str(value)
        raise bad_request(f"can't parse {name}: expected a string")

    def integer(self, name: str, *, required: bool = False, default: int | None = None) -> int | None:
        """An integer parameter from a number or its decimal text."""
        value = self.values.get(name)
        if value is None or value == "":
            if required:
                raise bad_request(f"{name} is empty")
            return default
        if isinstance(value, bool):
            raise bad_request(f"invalid {name} specified")
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            try:
                return int(value.strip())
            except ValueError:
                raise bad_request(f"invalid {name} specified") from None
        raise bad_request(f"invalid {name} specified")

    def number(self, name: str, default: float) -> float:
        """A float parameter (seconds and the like)."""
        value = self.values.get(name)
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def boolean(self, name: str, default: bool = False) -> bool:
        """A boolean parameter: JSON true/false or their text forms."""
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return value != 0
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise bad_request(f"invalid {name} specified")

    def json(self, name: str) -> Any:
        """A nested object or array: decoded from its JSON text when it came in a form."""
        value = self.values.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            if value == "":
                return None
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value
