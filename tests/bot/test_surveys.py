"""民主测评 with the real bot and engine against the sandbox: an admin opens a survey in private, every branch group
gets anonymous polls, members vote (the bot hears nothing of it), the close tick stops the polls, and the results
show the counts; nothing anywhere ties a vote to a person."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import inspect, select, text

from lesson_bot.bootstrap.engine import build_engine
from lesson_bot.db.models import SurveyPoll
from lesson_bot.services.views import Person
from tests.support.bot import ADMIN_ID, TIME_SCALE, Harness, at

FORM = ("/survey 2026年第四季度民主测评\n期间：2026-Q4\n截止：2026-12-08 18:00\n量表：满意度\n"
        "1. 对党委班子工作的总体评价\n2. 对本支部组织生活的评价")
CLOSES = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)  # 18:00 in Shanghai


async def _engine_round(h: Harness) -> None:
    """One engine round as `lesson-bot run` does it: every tick, then everything due sent."""
    engine, bot = build_engine(h.services, h.sb.token, h.services.settings.bot_api_base_url, time_scale=TIME_SCALE)
    async with bot:
        await engine.run_once()


async def _group(h: Harness, title: str, branch: str, locale: str, secretary: str, members: list[str],
                 guests: tuple[str, ...] = ()) -> tuple[int, dict[str, int]]:
    """A registered branch whose members joined its roster (guests are in the group, not on the roster)."""
    people = {name: await h.user(name) for name in (secretary, *members, *guests)}
    group = await h.control.create_group(title, list(people.values()))
    chat = int(group["chat_id"])
    await h.services.branches.register(Person(people[secretary], secretary, secretary.lower()), chat, branch,
                                       "Asia/Shanghai", locale, is_group_admin=True)
    for name in members:
        await h.say(chat, people[name], "/join")
    return chat, people


def _polls(transcript: dict[str, Any]) -> list[dict[str, Any]]:
    return [m for m in transcript["messages"] if m.get("poll")]


async def test_an_admin_surveys_every_branch_and_sees_only_counts(harness: Harness) -> None:
    """The admin sends the form; at the next engine round each group gets the introduction and two anonymous
    polls in its language; members vote and the bot receives no update about it; before the close the results
    say they are not counted yet; at the close the polls are stopped and /survey results shows per branch and for
    the organization the counts, votes against the roster (a guest's vote shown, the rate capped) and the index."""
    h = harness
    await h.control.create_user("Admin", username="adm", user_id=ADMIN_ID, language_code="zh-hans")
    await h.start(ADMIN_ID)
    one, a = await _group(h, "一支部群", "一支部", "zh-Hans", "Li", ["Wang", "Zhao", "Sun"])
    two, b = await _group(h, "Branch B group", "Branch B", "en", "Kim", ["Lee"], guests=("Guest",))
    [opened] = await h.say(ADMIN_ID, ADMIN_ID, FORM)
    assert opened["text"].startswith("✅ 民主测评 #1“2026年第四季度民主测评（2026-Q4）”已发起")
    assert "2 个问题将以匿名投票发到 2 个支部群，2026-12-08 18:00 截止" in opened["text"]
    await _engine_round(h)
    zh_polls, en_polls = _polls(await h.control.transcript(one)), _polls(await h.control.transcript(two))
    assert [p["poll"]["question"] for p in zh_polls] == ["对党委班子工作的总体评价", "对本支部组织生活的评价"]
    assert all(p["poll"]["is_anonymous"] and p["poll"]["type"] == "regular" for p in zh_polls + en_polls)
    assert [o["text"] for o in zh_polls[0]["poll"]["options"]] == ["满意", "基本满意", "不满意"]
    assert [o["text"] for o in en_polls[0]["poll"]["options"]] == ["Satisfied", "Fairly satisfied", "Dissatisfied"]
    intro = (await h.control.transcript(one))["messages"][-3]["text"]
    assert "民主测评：2026年第四季度民主测评" in intro and "不知道谁投了什么" in intro

    votes = [(one, zh_polls[0], a["Li"], 0), (one, zh_polls[0], a["Wang"], 0), (one, zh_polls[0], a["Zhao"], 1),
             (one, zh_polls[1], a["Wang"], 2), (two, en_polls[0], b["Kim"], 0), (two, en_polls[0], b["Lee"], 1),
             (two, en_polls[0], b["Guest"], 2)]
    for chat, poll, user, option in votes:
        answer = await h.control.vote(chat, poll["message_id"], user, [option])
        assert answer["update_ids"] == []  # anonymous: no poll_answer, and the bot takes no `poll` updates

    [early] = await h.say(ADMIN_ID, ADMIN_ID, "/survey results")
    assert "进行中，截止于 2026-12-08 18:00：投票结束时才统计票数。" in early["text"]
    at(h, CLOSES - timedelta(minutes=1))
    await _engine_round(h)
    assert not any(p["poll"]["closed"] for p in _polls(await h.control.transcript(one)))
    at(h, CLOSES)
    await _engine_round(h)
    await _engine_round(h)  # a second round stops nothing twice
    stopped = _polls(await h.control.transcript(one)) + _polls(await h.control.transcript(two))
    assert len(stopped) == 4 and all(p["poll"]["closed"] for p in stopped)
    counts = (await h.control.counters())["requests"]
    assert counts.get("stopPoll") == 4

    [report] = await h.say(ADMIN_ID, ADMIN_ID, "/survey results 1")
    text_ = report["text"]
    assert "全组织：应参与 6 人，指数 60.0" in text_  # 7 votes: (3×100 + 2×60) / 7
    # 一支部 3 of 4, Branch B 3 of 2 counted as 2: 5 of 6 expected.
    assert ("1. 对党委班子工作的总体评价\n"
            "   满意 3 · 基本满意 2 · 不满意 1 — 6 票；应参与 6 人（83%），指数 70.0") in text_
    assert "一支部：最多 3 票，应参与 4 人（75%）" in text_
    assert "  1. 满意 2 · 基本满意 1 · 不满意 0 — 3 票；应参与 4 人（75%），指数 86.7" in text_
    assert "  2. 满意 0 · 基本满意 0 · 不满意 1 — 1 票；应参与 4 人（25%），指数 0.0" in text_
    assert "Branch B：最多 3 票，应参与 2 人（100%）" in text_  # the guest's vote counted, the rate capped

    await h.start(a["Li"])
    [mine] = await h.say(a["Li"], a["Li"], "/survey results 1")
    assert "一支部" in mine["text"] and "Branch B" not in mine["text"] and "全组织" not in mine["text"]
    [refused] = await h.say(a["Li"], a["Li"], FORM)
    assert refused["text"] == "抱歉，只有管理员可以执行此操作。"
    await h.start(a["Wang"])
    [member] = await h.say(a["Wang"], a["Wang"], "/survey results 1")
    assert member["text"] == "抱歉，只有支部书记和管理员可以执行此操作。"

    voters = {user for _chat, _poll, user, _option in votes}
    async with h.services.db.transaction() as s:
        rows = (await s.execute(select(SurveyPoll))).scalars().all()
        assert len(rows) == 4 and all(r.closed_at is not None for r in rows)
        tables = await s.run_sync(lambda ss: [t for t in inspect(ss.connection()).get_table_names()
                                              if t.startswith("survey")])
        stored = set()
        for table in tables:
            for row in (await s.execute(text(f"SELECT * FROM {table}"))).all():
                stored |= {v for v in row if isinstance(v, int)}
    assert not stored & voters  # no survey table holds any voter's id
    assert h.unhandled() == []
