"""A report like the report services build: one table per level, hostile member names included."""

from __future__ import annotations

from datetime import date, datetime

from lesson_bot.reports.tables import Cell, Column, Kind, Table, Workbook

HOSTILE = (
    '=HYPERLINK("http://x","y")',
    "+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "＝1",
    "＋1",
    "－1",
    "＠SUM(A1)",
)
NORMAL = ("张三", "李四-王五", "Alice =1", "党员" * 20)  # the last: a 40-character name
NAMES = HOSTILE + NORMAL

MEMBER_COLUMNS = (
    Column("name", "姓名"),
    Column("branch", "所在支部"),
    Column("lessons", "完成微党课", Kind.INTEGER),
    Column("accuracy", "答题正确率", Kind.PERCENT),
    Column("score", "积分", Kind.NUMBER),
    Column("joined", "入党日期", Kind.DATE),
    Column("last_seen", "最近学习", Kind.DATETIME),
)


def members() -> Table:
    rows: list[tuple[Cell, ...]] = [(name, "第一党支部", index, index / 20, -1.5 + index, date(2020, 1, 1 + index),
             datetime(2025, 3, 1, 20, index)) for index, name in enumerate(NAMES)]
    rows.append(("王芳", None, None, None, None, None, None))
    return Table("members", "党员", MEMBER_COLUMNS, tuple(rows))


def workbook() -> Workbook:
    organization = Table("organization", "全组织", (Column("branches", "支部数", Kind.INTEGER),
                                                    Column("completion", "学习完成率", Kind.PERCENT)),
                         ((12, 0.875),))
    branches = Table.from_records("branches", "支部：排名/得分", (Column("branch", "支部"),
                                                             Column("score", "得分", Kind.NUMBER)),
                                  [{"branch": "第一党支部", "score": 92.5}, {"branch": "=1+1", "score": 80}])
    meetings = Table("meetings", "会议", (Column("topic", "议题"), Column("held", "召开日期", Kind.DATE)),
                     (("学习党章", date(2025, 3, 1)),))
    lessons = Table("lessons", "微党课", (Column("title", "课程"), Column("accuracy", "正确率", Kind.PERCENT)),
                    (("红船精神", 0.5),))
    return Workbook((organization, branches, members(), meetings, lessons))
