"""Imported first by the `lesson-bot` command: no garbage collection while its ~1,600 modules are imported.

Importing builds hundreds of thousands of long-lived objects (classes, functions, SQLAlchemy's mappers) and no
garbage; every collection the allocations set off traversed them all again for nothing: 10-20 % of the import's
CPU at start-up (docs/operations.md). lesson_bot.cli turns collection back on once its imports are done.
"""

from __future__ import annotations

import gc

gc.disable()
