"""The report benchmark's data: a year (2026) of lessons and meetings for branches x 30 members, bulk-loaded into a
migrated database (executemany on SQLite, COPY on PostgreSQL).

Per branch (one in ten in Asia/Urumqi, the rest in Asia/Shanghai): a lesson a week (52, one quiz question each);
支部党员大会 and 党课 (with the week's lesson) each quarter, 支委会 (the 5 committee members) and a 党小组会 for
each of 3 党小组 every month; about 4% of meetings cancelled. Members: 30, two joining in mid-May, one in ten
branches has a member away from 20 July to 10 August (a closed gap) and one in twenty has a member who left in June
(not on the roster). Each member studies a share of the lessons (10-66%, drawn per member), mostly on time, the rest
as 补学 days later, answers the question of most lessons studied (a few answer twice, or again as review); at
meetings 83% sign in (some late), 7% take approved leave, a few ask for leave that stays pending, the rest are
absent; about 40% of the excused and absent do the meeting's 补学.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

YEAR = 2026
WEEKS = 52
ZONES = ("Asia/Shanghai", "Asia/Urumqi")
T0 = datetime(YEAR - 1, 12, 1, tzinfo=UTC)
FIRST_LESSON = datetime(YEAR, 1, 5, 1, tzinfo=UTC)  # a Monday, 09:00 in Beijing
GROUPS = ("第一党小组", "第二党小组", "第三党小组")
COMMITTEE = 5


@dataclass
class Tables:
    """Rows to load, per table, as dicts (every row of a table has the same keys)."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, table: str, **row: Any) -> None:
        self.rows.setdefault(table, []).append(row)

    def count(self, table: str) -> int:
        return len(self.rows.get(table, []))


def _lessons(t: Tables) -> None:
    quiz = [{"question": "？", "options": ["甲", "乙", "丙"], "correct": 0}]
    for w in range(WEEKS):
        t.add("lessons", id=w + 1, slug=f"bench-{w}", series="bench", position=w, title=f"第{w + 1}课",
              language="zh-Hans", active=True)
        t.add("lesson_versions", id=w + 1, lesson_id=w + 1, content_hash="x", title=f"第{w + 1}课", series="bench",
              position=w, language="zh-Hans", minutes=5, summary="", tags=[], source="", body_md="", media=[],
              quiz=quiz, source_path="x")


def _roster(t: Tables, b: int, members: int) -> list[tuple[int, datetime, tuple[datetime, datetime] | None]]:
    """The branch's people; returns (member id, joined, time away) of those on the roster."""
    present = []
    for m in range(members):
        mid = (b - 1) * members + m + 1
        t.add("members", id=mid, telegram_user_id=10_000_000 + mid, full_name=f"党员{mid}")
        joined = T0 if m < members - 2 else datetime(YEAR, 5, 15, 2, tzinfo=UTC)
        left = datetime(YEAR, 6, 30, 8, tzinfo=UTC) if m == 25 and b % 20 == 0 else None
        t.add("memberships", id=mid, branch_id=b, member_id=mid, role="secretary" if m == 0 else "member",
              status="left" if left else "active", source="import", joined_at=joined, left_at=left,
              is_committee=m < COMMITTEE, party_group=GROUPS[m * len(GROUPS) // members],
              roster_name=f"名册{mid}" if m % 7 == 3 else None)
        away = None
        if m == 27 and b % 10 == 0:
            away = (datetime(YEAR, 7, 20, 2, tzinfo=UTC), datetime(YEAR, 8, 10, 2, tzinfo=UTC))
            t.add("membership_absences", membership_id=mid, left_at=away[0], returned_at=away[1])
        if left is None:
            present.append((mid, joined, away))
    return present


def _on_roster(joined: datetime, away: tuple[datetime, datetime] | None, at: datetime) -> bool:
    return joined <= at and (away is None or not away[0] <= at < away[1])


class _Events:
    def __init__(self, t: Tables) -> None:
        self.t, self.next_id = t, 0

    def add(self, kind: str, mode: str, at: datetime, branch: int, member: int, **more: Any) -> None:
        self.next_id += 1
        values = {"lesson_version_id": None, "delivery_id": None, "meeting_id": None, "question_index": None,
                  "option_index": None, "correct": None, **more}
        self.t.add("participation_events", id=self.next_id, dedupe_key=f"e{self.next_id}", kind=kind, mode=mode,
                   occurred_at=at, recorded_at=at, branch_id=branch, member_id=member, detail={}, **values)


def _lesson_weeks(t: Tables, ev: _Events, rnd: random.Random, b: int, people: Sequence[Any],
                  engagement: dict[int, float]) -> None:
    for w in range(WEEKS):
        did = (b - 1) * WEEKS + w + 1
        at = FIRST_LESSON + timedelta(days=7 * w, minutes=b % 60)
        t.add("lesson_deliveries", id=did, branch_id=b, lesson_version_id=w + 1, mode="on_time", chat_id=-b,
              delivered_at=at, checkin_count=0, shown_count=0)
        for mid, joined, away in people:
            if not _on_roster(joined, away, at) or rnd.random() >= engagement[mid]:
                continue
            mode = "on_time" if rnd.random() < 0.8 else "makeup"
            when = at + (timedelta(minutes=rnd.randint(5, 2000)) if mode == "on_time"
                         else timedelta(hours=rnd.randint(40, 500)))
            common = dict(lesson_version_id=w + 1, delivery_id=did)
            ev.add("lesson_checkin", mode, when, b, mid, **common)
            if rnd.random() < 0.02:  # a second check-in later: the first one counts
                ev.add("lesson_checkin", "makeup", when + timedelta(days=3), b, mid, **common)
            if rnd.random() < 0.7:
                ev.add("quiz_answer", mode, when + timedelta(minutes=1), b, mid, question_index=0, option_index=0,
                       correct=rnd.random() < 0.75, **common)
                if rnd.random() < 0.04:  # answered again: only the first answer counts
                    ev.add("quiz_answer", "makeup", when + timedelta(days=2), b, mid, question_index=0,
                           option_index=1, correct=True, **common)
            if rnd.random() < 0.03:
                ev.add("quiz_answer", "review", when + timedelta(days=20), b, mid, question_index=0, option_index=0,
                       correct=rnd.random() < 0.9, **common)


def _meetings(t: Tables, ev: _Events, rnd: random.Random, b: int, members: int, people: Sequence[Any]) -> None:
    plans: list[tuple[str, datetime, dict[str, str], str | None, int | None]] = []
    for month in range(1, 13):
        plans.append(("committee", datetime(YEAR, month, 5, 6, tzinfo=UTC), {"expected": "committee"}, None, None))
        for party_group in GROUPS:
            plans.append(("party_group", datetime(YEAR, month, 20, 11, tzinfo=UTC), {"expected": "party_group"},
                          party_group, None))
        if month % 3 == 2:
            plans.append(("party_congress", datetime(YEAR, month, 10, 6, tzinfo=UTC), {}, None, None))
        if month % 3 == 0:
            start = datetime(YEAR, month, 12, 6, tzinfo=UTC)
            plans.append(("party_lecture", start, {}, None, (start - FIRST_LESSON).days // 7 + 1))
    base = (b - 1) * 60
    for n, (kind, start, settings, group, lesson) in enumerate(plans):
        mtid = base + n + 1
        cancelled = rnd.random() < 0.04
        recorded = not cancelled and rnd.random() < 0.88
        t.add("meetings", id=mtid, branch_id=b, type=kind, topic="会议", starts_at=start,
              ends_at=start + timedelta(hours=2), status="cancelled" if cancelled else "held", settings=settings,
              party_group=group, lesson_id=lesson, attendance_closed_at=None if cancelled else start + timedelta(
                  minutes=30), recorded_at=start + timedelta(days=1) if recorded else None,
              recorded_late=recorded and rnd.random() < 0.15, created_at=start - timedelta(days=7))
        if cancelled:
            continue
        for mid, joined, away in people:
            m = (mid - 1) % members
            if (kind == "committee" and m >= COMMITTEE) or (group and GROUPS[m * len(GROUPS) // members] != group) \
                    or not _on_roster(joined, away, start):
                continue
            roll = rnd.random()
            if roll < 0.83:
                t.add("sign_ins", meeting_id=mtid, member_id=mid, signed_at=start, method="button", late=roll > 0.76)
                continue
            if roll < 0.93:
                t.add("rsvps", meeting_id=mtid, member_id=mid, answer="leave", reason="出差",
                      leave_status="approved" if roll < 0.92 else "pending", answered_at=start - timedelta(days=1))
            if rnd.random() < 0.4 and lesson is None:
                ev.add("makeup_done", "makeup", start + timedelta(days=3), b, mid, meeting_id=mtid)


def generate(branches: int, members: int, seed: int = 14) -> Tables:
    """The year's rows, the same for every database."""
    rnd = random.Random(seed)
    t = Tables()
    ev = _Events(t)
    _lessons(t)
    for b in range(1, branches + 1):
        t.add("branches", id=b, chat_id=-1000 - b, title=f"支部{b:04d}", timezone=ZONES[b % 10 == 0],
              locale="zh-Hans", status="active", invite_code=f"inv{b}")
        people = _roster(t, b, members)
        engagement = {mid: rnd.uniform(0.1, 0.66) for mid, _, _ in people}
        _lesson_weeks(t, ev, rnd, b, people, engagement)
        _meetings(t, ev, rnd, b, members, people)
    return t


ORDER = ("lessons", "lesson_versions", "branches", "members", "memberships", "membership_absences",
         "lesson_deliveries", "meetings", "sign_ins", "rsvps", "participation_events")


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def load_sqlite(path: str, t: Tables) -> None:
    """executemany through the driver, one transaction per table; then ANALYZE."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA synchronous=OFF")  # a throwaway file: no need to wait for the disk
        for table in ORDER:
            rows = t.rows.get(table, [])
            if rows:
                columns = list(rows[0])
                sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
                conn.executemany(sql, ([_sqlite_value(r[c]) for c in columns] for r in rows))
        conn.execute("ANALYZE")


async def load_postgres(dsn: str, t: Tables) -> None:
    """COPY per table, the identity sequences moved past the ids given; then ANALYZE."""
    conn = await asyncpg.connect(dsn)
    try:
        for table in ORDER:
            rows = t.rows.get(table, [])
            if rows:
                columns = list(rows[0])
                records = [tuple(json.dumps(v) if isinstance(v, dict | list) else v for v in (r[c] for c in columns))
                           for r in rows]
                await conn.copy_records_to_table(table, records=records, columns=columns)
                if "id" in columns:
                    await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                       f"(SELECT max(id) FROM {table}))")
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
