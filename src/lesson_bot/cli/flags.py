"""Boolean flags in `--help` as flags: `--once`, `--dashboard/--no-dashboard`, without a `<bool>` value.

Typer 0.29's Rich help prints each option's type, and a flag's is `<bool>`, which reads as though the flag took
a value (`--once <bool>`). A flag takes none, so its type column stays empty (the `--help` option's too).
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperOption

_type_of = TyperOption.display_type_rich


def _flag_without_type(self: TyperOption, ctx: Any) -> str | None:  # typer's own vendored click.Context
    return None if self.is_flag else _type_of(self, ctx)


def show_flags_as_flags() -> None:
    """Install the rule above (idempotent)."""
    TyperOption.display_type_rich = _flag_without_type  # type: ignore[method-assign]
