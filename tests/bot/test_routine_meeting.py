"""A routine meeting in four taps: the branch's second 支委会 takes place, host, recorder and duration from the
first, offers its day of the month again among the start times the cadence still owes, and every default can be
changed from the summary."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.support.bot import Harness, at, registered_branch
from tests.support.wizards import buttons, tap_next


class Secretary:
    """Li at the /meeting wizard in private, counting every answer (a tap or a typed message) after /meeting."""

    def __init__(self, h: Harness, li: int) -> None:
        self.h, self.li, self.interactions = h, li, 0

    async def begin(self) -> dict[str, Any]:
        self.interactions = 0
        [ask] = await self.h.say(self.li, self.li, "/meeting")
        return ask

    async def tap(self, shown: dict[str, Any], label: str) -> dict[str, Any]:
        self.interactions += 1
        return await tap_next(self.h, self.li, shown, self.li, label)

    async def type(self, text: str) -> dict[str, Any]:
        self.interactions += 1
        [reply] = await self.h.say(self.li, self.li, text)
        return reply


async def first_committee(h: Harness) -> tuple[Secretary, int]:
    """The branch's first 支委会 (10 November, 19:30), called on 2 November: every question asked once."""
    at(h, datetime(2026, 11, 2, 2, 0, tzinfo=UTC))
    li, wang = await h.user("Li"), await h.user("Wang")
    chat = await registered_branch(h, li, wang)
    await h.say(chat, wang, "/join")
    branch = await h.services.branches.by_chat(chat)
    assert branch is not None
    for member in (li, wang):
        await h.services.roster.update_member(li, branch.id, member, is_committee=True)
    await h.start(li)
    li_at = Secretary(h, li)
    ask_topic = await li_at.tap(await li_at.begin(), "支部委员会")
    assert buttons(ask_topic) == ["« 上一步", "取消"]  # no earlier 支委会: nothing to repeat
    ask_when = await li_at.type("研究十一月发展党员工作")
    assert buttons(ask_when)[:3] == ["11-03 19:30", "11-04 19:30", "11-05 19:30"]  # the next weekday evenings
    await li_at.type("2026-11-10 19:30")
    ask_host = await li_at.type("党员活动室")
    ask_recorder = await li_at.tap(ask_host, "Li")
    ask_duration = await li_at.tap(ask_recorder, "Wang")
    summary = await li_at.tap(ask_duration, "✓")
    called = await li_at.tap(summary, "确认")
    assert called["text"].startswith("✅ 会议已召集")
    assert li_at.interactions == 8  # type, topic, time, place, host, recorder, duration, confirm
    return li_at, chat


async def test_the_monthly_committee_meeting_takes_four_taps(harness: Harness) -> None:
    """In December Li calls the 支委会 with the type, a topic, the offered 12-10 19:30 (like the 10 November one)
    and confirm; the summary carries the last one's place, host, recorder and 90 minutes."""
    h = harness
    li_at, _chat = await first_committee(h)
    at(h, datetime(2026, 12, 1, 2, 0, tzinfo=UTC))  # Tuesday 1 December, 10:00 in Shanghai
    ask_topic = await li_at.tap(await li_at.begin(), "支部委员会")
    assert "↻ 沿用上次议题：研究十一月发展党员工作" in buttons(ask_topic)
    ask_when = await li_at.type("研究十二月发展党员工作")
    assert buttons(ask_when)[:3] == ["12-02 19:30", "12-03 19:30", "12-10 19:30"]
    summary = await li_at.tap(ask_when, "12-10 19:30")
    text = summary["text"]
    assert "支部委员会：研究十二月发展党员工作" in text and "时间：2026-12-10 19:30–21:00（90 分钟）" in text
    assert "地点：党员活动室" in text and "主持人：Li · 记录人：Wang" in text
    assert "地点、主持人、记录人和时长沿用上次（2026-11-10），可用下方按钮修改。" in text
    assert {"改议题", "改时间", "改地点", "改主持人", "改记录人", "改时长"} <= set(buttons(summary))
    called = await li_at.tap(summary, "确认")
    assert called["text"].startswith("✅ 会议已召集")
    assert li_at.interactions == 4
    assert h.unhandled() == []


async def test_every_default_of_a_routine_meeting_can_be_changed_from_the_summary(harness: Harness) -> None:
    """“Like last time” takes the last topic; the summary's edit buttons change the place, the host and the
    duration, each returning to the summary; a 支委会 already called for December moves the offers to January."""
    h = harness
    li_at, _chat = await first_committee(h)
    at(h, datetime(2026, 12, 1, 2, 0, tzinfo=UTC))
    ask_topic = await li_at.tap(await li_at.begin(), "支部委员会")
    ask_when = await li_at.tap(ask_topic, "沿用上次议题")
    summary = await li_at.tap(ask_when, "12-10 19:30")
    assert "支部委员会：研究十一月发展党员工作" in summary["text"]
    ask_place = await li_at.tap(summary, "改地点")
    assert ask_place["text"].startswith("会议地点？")
    summary = await li_at.type("第二会议室")
    assert "地点：第二会议室" in summary["text"]
    ask_host = await li_at.tap(summary, "改主持人")
    summary = await li_at.tap(ask_host, "Wang")
    assert "主持人：Wang · 记录人：Wang" in summary["text"]
    ask_duration = await li_at.tap(summary, "改时长")
    back = await li_at.tap(ask_duration, "上一步")  # « Back from a step the summary opened: the summary again
    assert "时间：2026-12-10 19:30–21:00（90 分钟）" in back["text"]
    ask_duration = await li_at.tap(back, "改时长")
    summary = await li_at.tap(ask_duration, "2 小时")
    assert "时间：2026-12-10 19:30–21:30（120 分钟）" in summary["text"]
    called = await li_at.tap(summary, "确认")
    assert called["text"].startswith("✅ 会议已召集")

    # December's 支委会 is called: the next one is owed in January, still on the 10th.
    ask_topic = await li_at.tap(await li_at.begin(), "支部委员会")
    ask_when = await li_at.type("研究一月工作")
    assert buttons(ask_when)[:3] == ["01-01 19:30", "01-04 19:30", "01-10 19:30"]
    assert not any(label.startswith("12-") for label in buttons(ask_when)[:3])
    assert h.unhandled() == []
