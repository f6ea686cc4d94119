"""A branch's December of meetings, end to end: the real bot and the real delivery engine against the sandbox, on
SQLite and PostgreSQL; people act only through Telegram, and only the clock is moved behind the product's back.

第一党支部 has 12 people: 李明 (书记), 王芳 and 赵强 on the committee, two 党小组, 卫东 probationary, 吴敏 who never
opens the bot in private. In December the secretary calls a 支委会 (week 1), a 党小组会 of 第一党小组 with a sign-in
code (week 2) and a 党课 with a lesson (week 3), each with its figures checked person by person.
"""

from __future__ import annotations

import re

from tests.support.bot import registered_branch
from tests.support.meetings import (
    Month,
    Person,
    call_meeting,
    call_meeting_en,
    labels,
    month,
    record_meeting,
    roster_csv,
)

G1, G2 = "第一党小组", "第二党小组"
PEOPLE = [
    Person("李明", "liming", G1, committee=True, secretary=True),
    Person("王芳", "wangfang", G1, committee=True),
    Person("赵强", "zhaoqiang", G2, committee=True),
    Person("孙丽", "sunli", G1),
    Person("钱伟", "qianwei", G1),
    Person("周杰", "zhoujie", G1),
    Person("吴敏", "wumin", G1),  # never starts the bot in private
    Person("郑涛", "zhengtao", G2),
    Person("冯雪", "fengxue", G2),
    Person("陈刚", "chengang", G2),
    Person("褚燕", "chuyan", G2),
    Person("卫东", "weidong", G2, probationary=True),
]
SEC = "李明"
EVERYONE = [p.name for p in PEOPLE]


async def _set_up(m: Month) -> None:
    """1 Dec, 10:00: the group is registered, the roster imported from a CSV, and the invitation link shared."""
    h = m.h
    for p in PEOPLE:
        m.ids[p.name] = await h.user(p.name, username=p.username)
    m.group = await registered_branch(h, m.ids[SEC], *[m.ids[n] for n in EVERYONE if n != SEC])
    await h.start(m.ids[SEC])
    sent = await h.control.send_document(m.ids[SEC], m.ids[SEC], "名册.csv", roster_csv(PEOPLE), mime_type="text/csv")
    [report] = await h.bot_messages(m.ids[SEC], sent["message_id"])
    assert report["text"].startswith("第一党支部 名册导入：新增 11 人，更新 1 人，未变 0 人。"), report["text"]
    [roster] = await m.say(SEC, "/roster", chat="group")
    assert "第一党支部 名册：共 12 人" in roster["text"] and "以下 11 人尚未私聊启动机器人" in roster["text"]
    payload = roster["text"].split("请他们打开一次此链接：")[1].strip().split("start=")[1]
    for name in EVERYONE:
        if name not in (SEC, "吴敏"):
            welcome = await h.start(m.ids[name], payload)
            assert "你已在支部“第一党支部”的名册中。" in welcome["text"], welcome["text"]


async def _committee(m: Month) -> None:
    """Week 1, a 支委会 called in private: 王芳 attends (late), 赵强's leave is approved, 孙丽 sits in (列席)."""
    summary = await call_meeting(m, SEC, SEC, "支部委员会", "研究十二月发展党员工作", "2026-12-03 19:30",
                                 "党员活动室", SEC, "王芳", "90 分钟")
    for line in ("支部委员会：研究十二月发展党员工作", "时间：2026-12-03 19:30–21:00（90 分钟）", "地点：党员活动室",
                 "主持人：李明 · 记录人：王芳", "应参加：支委委员", "会前提醒：1d, 1h"):
        assert line in summary["text"], line
    [called] = await m.tap_next(SEC, summary, "确认")
    assert called["text"] == "✅ 会议已召集，通知已发到“第一党支部”群内。"

    m.at("2026-12-01 10:05")
    got = await m.ticked("group", *EVERYONE)
    [notice] = got.pop("group")
    assert notice["text"].startswith("📣 会议通知") and "请在 2026-12-03 17:30 前点“请假”" in notice["text"]
    assert labels(notice) == ["参加", "请假"] and all(v == [] for v in got.values())  # only the group hears of it
    assert (await m.tap("王芳", notice, "参加"))["text"] == "已记录：你将参加。"
    assert (await m.tap("孙丽", notice, "请假"))["text"] == "你不在本次会议的应到人员中，无需请假。"
    before = await m.h.last_message_id(m.id("赵强"))
    assert (await m.tap("赵强", notice, "请假"))["text"] == "我已私聊你询问请假事由。"
    [ask] = await m.private_after("赵强", before)
    assert "请用一条消息写明请假事由" in ask["text"]
    [sent] = await m.say("赵强", "去省委党校参加培训")
    assert sent["text"] == "请假申请已发给书记，审批结果会通知你。"
    [request] = (await m.ticked(SEC))[SEC]
    assert request["text"].startswith("🙋 请假申请：赵强") and "事由：去省委党校参加培训" in request["text"]
    [approved] = await m.tap_next(SEC, request, "批准")
    assert approved["text"] == "✅ 已批准：赵强 请假。"
    [told] = (await m.ticked("赵强"))["赵强"]
    assert told["text"].startswith("✅ 李明 已批准你本次会议的请假")

    # The day before and the hour before: the group only; 李明 hosts and 王芳 records (and said 参加), so neither is
    # asked to answer.
    for moment, left in (("2026-12-02 19:30", "1 天"), ("2026-12-03 18:30", "1 小时")):
        m.at(moment)
        got = await m.ticked("group", *EVERYONE)
        assert {n: len(v) for n, v in got.items() if v} == {"group": 1}, moment
        assert got["group"][0]["text"].startswith(f"⏰ 会议提醒：会议将在 {left}后开始。"), got["group"][0]["text"]

    m.at("2026-12-03 19:10")
    [opened] = (await m.ticked("group"))["group"]
    assert opened["text"].startswith("✍️ 签到开始，19:50 截止。")
    m.at("2026-12-03 19:12")
    assert (await m.tap(SEC, opened, "签到"))["text"] == "✅ 签到成功，按时到会。"
    assert (await m.tap("孙丽", opened, "签到"))["text"] == "✅ 签到成功，按时到会。"
    m.at("2026-12-03 19:36")
    assert (await m.tap("王芳", opened, "签到"))["text"] == "✅ 签到成功——会议开始后签到，记为迟到。"
    assert all(v == [] for v in (await m.ticked("group", *EVERYONE)).values())  # nothing after the start
    m.at("2026-12-03 19:50")
    got = await m.ticked("group", *EVERYONE)
    [result] = got.pop(SEC)
    assert all(v == [] for v in got.values())  # the summary goes to the secretary only
    for line in ("应到 3 人（正式 3，预备 0）· 实到 2 人（正式 2，预备 0）· 请假 1 人 · 缺席 0 人", "出席：李明",
                 "迟到：王芳", "请假：赵强（去省委党校参加培训）", "列席：孙丽"):
        assert line in result["text"], line


async def _committee_record(m: Month) -> None:
    """The morning after, the recorder 王芳 (not a secretary) records the minutes with a photo; host and recorder
    confirm; 赵强, excused, gets the minutes as his 补学 and completes it."""
    m.at("2026-12-04 09:00")
    record = await record_meeting(m, "王芳", "研究十二月发展党员工作",
                                  ["一、传达上级关于发展党员工作的通知。", "二、讨论确定两名入党积极分子。"],
                                  ["确定郑涛、冯雪为入党积极分子。"], photo="签到表")
    for field in ("会议记录 · 支部委员会", "时间：2026-12-03 19:30 – 21:00（Asia/Shanghai）", "地点：党员活动室",
                  "主持人：李明；记录人：王芳", "应到：3 人（正式党员 3 人，预备党员 0 人）",
                  "实到：2 人（正式党员 2 人，预备党员 0 人）", "请假：赵强（去省委党校参加培训）",
                  "列席：孙丽", "二、讨论确定两名入党积极分子。", "确定郑涛、冯雪为入党积极分子。", "附件：照片 1 张"):
        assert field in record["text"], field
    assert "补录" not in record["text"] and record["saved"] == "✅ 会议记录已保存，已请主持人和记录人确认。"
    m.at("2026-12-04 09:10")
    got = await m.ticked(SEC, "王芳", "赵强", "孙丽")
    [ask_host], [ask_recorder], [task] = got[SEC], got["王芳"], got["赵强"]
    assert got["孙丽"] == []  # she sat in: nothing to make up
    assert "您是本次会议的主持人" in ask_host["text"] and "二、讨论确定两名入党积极分子。" in ask_host["text"]
    assert (await m.tap(SEC, ask_host, "确认"))["text"] == "谢谢，您已作为主持人确认会议记录。"
    assert (await m.tap("王芳", ask_recorder, "确认"))["text"] == "谢谢，您已作为记录人确认会议记录。记录已全部确认。"
    assert "补学" in task["text"] and "一、传达上级关于发展党员工作的通知。" in task["text"]
    assert (await m.tap("赵强", task, "已学习"))["text"] == "✅ 已记录您对“研究十二月发展党员工作”的补学，谢谢！"


async def _party_group(m: Month) -> None:
    """Week 2, a 党小组会 of 第一党小组 called in the group, with a sign-in code: 孙丽's leave is rejected and she
    stays away; 王芳 signs in with the code (button, then the code in private), 李明 by /signin, 钱伟 late, 周杰 by
    代签; 吴敏 never started the bot and is absent. The minutes come three days late (补录)."""
    m.at("2026-12-07 10:00")
    before = await m.h.last_message_id(m.id(SEC))
    summary = await call_meeting(m, SEC, "group", "党小组会", "学习党章第二章", "2026-12-09 19:30", "三楼会议室",
                                 "王芳", SEC, "1 小时", group=G1, code=True)
    assert "应参加：党小组 第一党小组" in summary["text"], summary["text"]
    assert "签到码：开启（私聊发送签到码）" in summary["text"]
    [called] = await m.tap_next(SEC, summary, "确认")
    assert "签到码已私聊发给你。" in called["text"], called["text"]
    [secret] = await m.private_after(SEC, before)
    code = re.search(r"\d{6}", secret["text"])
    assert code is not None
    got = await m.ticked("group", *EVERYONE)
    [notice] = got.pop("group")
    assert "党小组会：学习党章第二章" in notice["text"] and code[0] not in notice["text"]
    assert (await m.tap("钱伟", notice, "参加"))["text"] == "已记录：你将参加。"
    await m.tap("孙丽", notice, "请假")
    [sent] = await m.say("孙丽", "家里有事")
    assert sent["text"] == "请假申请已发给书记，审批结果会通知你。"
    [request] = (await m.ticked(SEC))[SEC]
    [rejected] = await m.tap_next(SEC, request, "驳回")
    assert rejected["text"] == "❌ 已驳回：孙丽 请假。"
    [told] = (await m.ticked("孙丽"))["孙丽"]
    assert told["text"].startswith("❌ 李明 驳回了你本次会议的请假")

    # A day before: the group, and in private the group's members who have not answered or were refused leave:
    # not 钱伟 (参加), not 吴敏 (never started me), not 王芳 and 李明 (host and recorder), nobody of 第二党小组.
    m.at("2026-12-08 19:30")
    got = await m.ticked("group", *EVERYONE)
    assert sorted(n for n, v in got.items() if v) == sorted(["group", "孙丽", "周杰"])
    assert labels(got["孙丽"][0]) == ["参加", "请假"]

    m.at("2026-12-09 19:15")
    got = await m.ticked("group", SEC)  # the hour's reminder was due at 18:30: never sent late
    [opened] = got["group"]
    assert got[SEC] == [] and "本次会议使用签到码：点“签到”后" in opened["text"], opened["text"]
    before = await m.h.last_message_id(m.id("王芳"))
    assert (await m.tap("王芳", opened, "签到"))["text"] == "本次会议使用签到码：我已私聊你，请发送签到码。"
    [ask] = await m.private_after("王芳", before)
    assert ask["text"].startswith("请把会场公布的签到码发给我：")
    wrong = "000000" if code[0] != "000000" else "111111"
    assert (await m.say("王芳", wrong))[0]["text"].startswith("签到码与“学习党章第二章”不符")
    assert (await m.say("王芳", code[0]))[0]["text"] == "✅ 签到成功，按时到会。"
    assert (await m.say(SEC, f"/signin {code[0]}"))[0]["text"] == "✅ 签到成功，按时到会。"
    m.at("2026-12-09 19:40")
    await m.tap("钱伟", opened, "签到")
    assert (await m.say("钱伟", code[0]))[0]["text"] == "✅ 签到成功——会议开始后签到，记为迟到。"
    [sheet] = await m.say(SEC, "/attendance")
    assert "应到 6 人 · 实到 3 人（迟到 1）· 请假 0 人 · 未签到 3 人" in sheet["text"], sheet["text"]
    assert (await m.tap(SEC, sheet, "代签：周杰"))["text"] == "已记录：周杰"
    m.at("2026-12-09 19:50")
    [result] = (await m.ticked(SEC))[SEC]
    for line in ("应到 6 人（正式 6，预备 0）· 实到 4 人（正式 4，预备 0）· 请假 0 人 · 缺席 2 人",
                 "出席：周杰、李明、王芳",
                 "迟到：钱伟", "缺席：吴敏、孙丽（家里有事）"):
        assert line in result["text"], (line, result["text"])

    m.at("2026-12-12 10:00")
    record = await record_meeting(m, SEC, "学习党章第二章", ["逐条学习党章第二章，王芳领学。"],
                                  ["每人写一篇学习体会。"])
    for field in ("应到：6 人（正式党员 6 人，预备党员 0 人）", "实到：4 人（正式党员 4 人，预备党员 0 人）",
                  "出席：周杰（代签）、李明、王芳、钱伟（迟到）", "缺席：吴敏；孙丽（家里有事）"):
        assert field in record["text"], field
    assert "已标记为补录（会议结束 24 小时后才记录）" in record["saved"], record["saved"]
    m.at("2026-12-12 10:10")
    got = await m.ticked("孙丽", "吴敏", "王芳")
    [task] = got["孙丽"]
    assert got["吴敏"] == [] and "逐条学习党章第二章" in task["text"] and labels(task) == ["已学习"]
    [confirm] = got["王芳"]
    assert "您是本次会议的主持人" in confirm["text"] and "补录（2026-12-12 10:00）" in confirm["text"], confirm["text"]
    await m.tap("王芳", confirm, "确认")


async def _lecture(m: Month) -> None:
    """Week 3, a 党课 for everyone, with a lesson from the library: 钱伟 on leave (approved), 孙丽 and 周杰 absent
    (周杰 had said 参加), 褚燕 and 卫东 (probationary) late, 吴敏 signs in from the group though he never opened a
    private chat. Absentees and 钱伟 get the lesson as 补学 at the close; 周杰 studies it."""
    m.at("2026-12-14 10:00")
    summary = await call_meeting(m, SEC, SEC, "党课", "学习遵义会议精神", "2026-12-17 19:30", "党员活动室", SEC,
                                 "王芳", "90 分钟", lesson="遵义会议")
    assert "课程：遵义会议：生死攸关的转折点" in summary["text"] and "应参加：全体党员" in summary["text"]
    await m.tap_next(SEC, summary, "确认")
    [notice] = (await m.ticked("group"))["group"]
    assert "课程：遵义会议：生死攸关的转折点" in notice["text"]
    for name in ("郑涛", "冯雪", "周杰"):
        assert (await m.tap(name, notice, "参加"))["text"] == "已记录：你将参加。"
    await m.tap("钱伟", notice, "请假")
    await m.say("钱伟", "单位值班")
    [request] = (await m.ticked(SEC))[SEC]
    await m.tap_next(SEC, request, "批准")
    await m.tick()

    m.at("2026-12-16 19:30")
    got = await m.ticked("group", *EVERYONE)
    reminded = sorted(n for n, v in got.items() if v)
    assert reminded == sorted(["group", "赵强", "孙丽", "陈刚", "褚燕", "卫东"]), reminded  # not host nor recorder
    m.at("2026-12-17 18:30")
    got = await m.ticked("group", *EVERYONE)
    assert sorted(n for n, v in got.items() if v) == reminded

    m.at("2026-12-17 19:10")
    [opened] = (await m.ticked("group"))["group"]
    m.at("2026-12-17 19:25")
    for name in (SEC, "王芳", "赵强", "郑涛", "冯雪", "陈刚", "吴敏"):
        assert (await m.tap(name, opened, "签到"))["text"] == "✅ 签到成功，按时到会。", name
    m.at("2026-12-17 19:41")
    for name in ("褚燕", "卫东"):
        assert (await m.tap(name, opened, "签到"))["text"] == "✅ 签到成功——会议开始后签到，记为迟到。", name
    m.at("2026-12-17 19:50")
    got = await m.ticked(*EVERYONE)
    [result] = got[SEC]
    for line in ("应到 12 人（正式 11，预备 1）· 实到 9 人（正式 8，预备 1）· 请假 1 人 · 缺席 2 人",
                 "出席：冯雪、吴敏、李明、王芳、赵强、郑涛、陈刚", "迟到：卫东、褚燕", "请假：钱伟（单位值班）",
                 "缺席：周杰、孙丽"):
        assert line in result["text"], (line, result["text"])
    tasks = {n: v for n, v in got.items() if n != SEC and v}
    assert sorted(tasks) == ["周杰", "孙丽", "钱伟"], tasks
    [task] = tasks["周杰"]
    assert "本次党课的课程：“遵义会议：生死攸关的转折点”" in task["text"] and labels(task) == ["学习课程", "已学习"]
    intro, text = await m.tap_next("周杰", task, "学习课程", count=2)
    assert intro["text"].startswith("📘 补学：遵义会议：生死攸关的转折点") and "1935年1月15日" in text["text"]
    assert (await m.tap("周杰", text, "已学习"))["text"].startswith("✅ 已记录：你已学习本课")
    [shown] = await m.say(SEC, "/makeups")
    lecture, group_meeting, committee = shown["text"].split("\n\n")[1:]
    assert lecture.endswith("尚未补学：孙丽、钱伟\n已完成：周杰"), lecture
    # 吴敏 never started the bot: his task could not be sent, and /makeups says so rather than list him as owing.
    assert group_meeting.endswith("尚未补学：孙丽\n补学任务未能发送（未私聊启动机器人）：吴敏"), group_meeting
    assert committee.endswith("已完成：赵强")

    m.at("2026-12-18 09:00")
    record = await record_meeting(m, "王芳", "学习遵义会议精神", ["李明同志讲授《遵义会议：生死攸关的转折点》。"],
                                  ["各党小组结合工作开展讨论。"])
    for field in ("应到：12 人（正式党员 11 人，预备党员 1 人）", "实到：9 人（正式党员 8 人，预备党员 1 人）",
                  "请假：钱伟（单位值班）", "缺席：周杰；孙丽", "补学已完成：周杰；尚未完成：孙丽、钱伟"):
        assert field in record["text"], (field, record["text"])
    m.at("2026-12-18 09:10")
    [ask_host] = (await m.ticked(SEC))[SEC]
    assert (await m.tap(SEC, ask_host, "确认"))["text"] == "谢谢，您已作为主持人确认会议记录。"


async def _month_end(m: Month) -> None:
    """The last week: the secretary is reminded in private of what December still misses, once; on 1 January
    /cadence shows what was held and what is overdue; /me gives each member their own figures."""
    reminders: dict[str, list[str]] = {}
    for day in ("2026-12-24", "2026-12-25", "2026-12-26", "2026-12-27"):
        m.at(f"{day} 10:00")
        reminders[day] = [x["text"] for x in (await m.ticked(SEC))[SEC]]
    assert reminders["2026-12-24"] == [] and reminders["2026-12-27"] == []  # 7 days ahead, and once
    assert reminders["2026-12-25"] == [
        f"⏰ “第一党支部”{period} 的{kind}尚未召开（已开 0 次，应开 1 次），截止日期为 2026-12-31。请用 /meeting 召集，"
        "或用 /cadence 查看。" for period, kind in (("2026Q4", "支部党员大会"), ("2026-12", "党小组会（第二党小组）"),
                                                   ("2026", "组织生活会"))]
    [theme_day] = reminders["2026-12-26"]
    assert theme_day.startswith("⏰ “第一党支部”2027-01 的主题党日尚未召开") and "截止日期为 2027-01-01" in theme_day

    m.at("2027-01-01 10:00")
    [report] = await m.say(SEC, "/cadence")
    sections = {part.split("\n")[0]: part for part in report["text"].split("\n\n")[1:]}
    assert sorted(sections) == ["2026", "2026-12", "2026Q4", "2027", "2027-01", "2027Q1"]  # nothing before 1 Dec
    assert sections["2026-12"].split("\n")[1:] == [
        "• 支部委员会：✅ 已开 1/1", "• 党小组会（第一党小组）：✅ 已开 1/1",
        "• 党小组会（第二党小组）：❌ 逾期未开 0/1",
        "• 主题党日：❌ 逾期未开 0/1"]
    assert sections["2026Q4"].split("\n")[1:] == ["• 支部党员大会：❌ 逾期未开 0/1", "• 党课：✅ 已开 1/1"]
    assert sections["2026"].split("\n")[1:] == ["• 组织生活会：❌ 逾期未开 0/1"]

    # Each member's own count: 周杰 present (代签) at the 党小组会 and absent from the 党课 (he made it up since,
    # by its lesson); 钱伟 late, then on leave (not made up); 孙丽 absent twice (sitting in at the 支委会 counts for
    # nothing) and made up neither; 卫东 late once, with nothing to make up.
    for name, line in (("周杰", "会议：出席 1，迟到 0，请假 0，缺席 1；已补学 1，待补学 0\n"),
                       ("钱伟", "会议：出席 0，迟到 1，请假 1，缺席 0；已补学 0，待补学 1\n"),
                       ("孙丽", "会议：出席 0，迟到 0，请假 0，缺席 2；已补学 0，待补学 2\n"),
                       ("卫东", "会议：出席 0，迟到 1，请假 0，缺席 0\n")):
        [me] = await m.say(name, "/me")
        assert line in me["text"], (name, me["text"])


async def test_a_month_of_meetings(migrated_db_url: str) -> None:
    """The month, person by person (see the module docstring)."""
    async with month(migrated_db_url) as m:
        m.at("2026-12-01 10:00")
        await _set_up(m)
        await _committee(m)
        await _committee_record(m)
        await _party_group(m)
        await _lecture(m)
        await _month_end(m)
        assert m.h.unhandled() == []


EN = [Person("Anna", "anna_li", "Group 1", committee=True, secretary=True),
      Person("Ben", "ben_wu", "Group 1", committee=True), Person("Cara", "cara_ma", "Group 1", committee=True),
      Person("Dan", "dan_xu", "Group 1"), Person("Eve", "eve_he", "Group 1", probationary=True)]


async def test_a_shorter_month_in_english(migrated_db_url: str) -> None:
    """An English-speaking branch: Anna imports the roster and calls a 支委会 (Cara's leave rejected, she stays away
    and makes it up from the minutes) and a 党课 with a lesson (Dan on leave studies the lesson, Eve late); every
    message, figure and the cadence report in English."""
    async with month(migrated_db_url, default_locale="en") as m:
        h = m.h
        m.at("2026-12-01 10:00")
        for p in EN:
            m.ids[p.name] = await h.user(p.name, username=p.username, language_code="en")
        m.group = await registered_branch(h, m.ids["Anna"], *[m.ids[p.name] for p in EN[1:]])
        await h.start(m.ids["Anna"])
        sent = await h.control.send_document(m.ids["Anna"], m.ids["Anna"], "roster.csv", roster_csv(EN, english=True),
                                             mime_type="text/csv")
        [report] = await h.bot_messages(m.ids["Anna"], sent["message_id"])
        assert report["text"] == "Roster import for 第一党支部: 4 added, 1 updated, 0 unchanged."
        [roster] = await m.say("Anna", "/roster", chat="group")
        payload = roster["text"].split("Ask them to open this link once: ")[1].strip().split("start=")[1]
        for p in EN[1:]:
            await h.start(m.ids[p.name], payload)
        names = [p.name for p in EN]

        summary = await call_meeting_en(m, "Anna", "Branch committee meeting", "December work", "2026-12-03 19:30",
                                        "Room 301", "Anna", "Ben", "90")
        assert "Expected: committee members" in summary["text"] and "Host: Anna · Recorder: Ben" in summary["text"]
        [called] = await m.tap_next("Anna", summary, "Confirm")
        assert called["text"] == "✅ Meeting called; the notice is in the group of 第一党支部."
        summary = await call_meeting_en(m, "Anna", "Party lecture", "How our lessons work", "2026-12-08 19:30",
                                        "https://meet.example/party", "Skip", "Skip", "1 hour",
                                        lesson="Home fire safety basics")
        assert "Lesson: Home fire safety basics" in summary["text"] and "Expected: all members" in summary["text"]
        await m.tap_next("Anna", summary, "Confirm")
        m.at("2026-12-01 10:05")
        committee, lecture = (await m.ticked("group"))["group"]
        assert committee["text"].startswith("📣 Meeting notice")
        assert "Lesson: Home fire safety basics" in lecture["text"]
        assert (await m.tap("Ben", committee, "Attend"))["text"] == "Noted: you will attend."
        for who, notice, reason in (("Cara", committee, "Travelling for work"), ("Dan", lecture, "Night shift")):
            assert (await m.tap(who, notice, "Ask for leave"))["text"] == "I have asked you for the reason in private."
            [sent] = await m.say(who, reason)
            assert sent["text"] == "Your request was sent to the secretary. I will tell you the decision."
        to_cara, to_dan = (await m.ticked("Anna"))["Anna"]
        assert to_cara["text"].startswith("🙋 Leave request from Cara") and "Reason: Night shift" in to_dan["text"]
        assert (await m.tap_next("Anna", to_cara, "Reject"))[0]["text"] == "❌ Rejected: leave for Cara."
        assert (await m.tap_next("Anna", to_dan, "Approve"))[0]["text"] == "✅ Approved: leave for Dan."
        got = await m.ticked("Cara", "Dan")
        assert got["Cara"][0]["text"].startswith("❌ Your leave for this meeting was rejected by Anna. Please attend.")
        assert got["Dan"][0]["text"].startswith("✅ Your leave for this meeting was approved by Anna.")

        # The 支委会: reminded the day before (Cara was refused leave; not Anna, the host), Ben late, Cara absent.
        m.at("2026-12-02 19:30")
        got = await m.ticked("group", *names)
        assert sorted(n for n, v in got.items() if v) == ["Cara", "group"]
        assert got["Cara"][0]["text"].startswith("⏰ Reminder: the meeting starts in 1 day.")
        m.at("2026-12-03 19:10")
        [opened] = (await m.ticked("group"))["group"]
        m.at("2026-12-03 19:15")
        assert (await m.tap("Anna", opened, "Sign in"))["text"] == "✅ Signed in, on time."
        m.at("2026-12-03 19:40")
        assert (await m.tap("Ben", opened, "Sign in"))["text"] == "✅ Signed in — marked late (after the start)."
        m.at("2026-12-03 19:50")
        [result] = (await m.ticked("Anna"))["Anna"]
        for line in ("Expected 3 (full 3, probationary 0) · Present 2 (full 2, probationary 0) · On leave 0 · Absent 1",
                     "Present: Anna", "Late: Ben", "Absent: Cara (Travelling for work)"):
            assert line in result["text"], (line, result["text"])

        # The recorder writes the minutes the next morning; Cara gets them as her 补学.
        m.at("2026-12-04 09:00")
        [menu] = await m.say("Ben", "/record")
        assert menu["text"].splitlines()[0] == "Which meeting do you want to record?", menu["text"]
        await m.tap_next("Ben", menu, "December work")
        [noted] = await m.say("Ben", "Agreed the December plan.")
        assert noted["text"] == "✓ Noted (1 message so far). Send more, or tap “Done”."
        [ask_decisions] = await m.tap_next("Ben", noted, "Done")
        assert ask_decisions["text"].startswith("Now send the decisions")
        record, question = await m.tap_next("Ben", ask_decisions, "Done", count=2)
        for line in ("Expected: 3 (3 full, 0 probationary)", "Attended: Anna, Ben (late)",
                     "Absent: Cara (Travelling for work)", "Agreed the December plan."):
            assert line in record["text"], (line, record["text"])
        [saved] = await m.tap_next("Ben", question, "Submit")
        assert saved["text"] == "✅ The record is saved. The host and the recorder have been asked to confirm it."
        m.at("2026-12-04 09:10")
        got = await m.ticked("Anna", "Ben", "Cara")
        assert got["Anna"][0]["buttons"][0][0]["text"] == "Confirm"
        [task] = got["Cara"]
        assert task["text"].startswith("Make-up: you missed the Branch committee meeting “December work”"), task["text"]
        assert (await m.tap("Cara", task, "Studied"))["text"] == "✅ Make-up of “December work” recorded. Thank you!"

        # The 党课: reminded the day before (not Dan, on leave); Eve (probationary) late; Dan studies the lesson.
        m.at("2026-12-07 19:30")
        got = await m.ticked("group", *names)
        assert sorted(n for n, v in got.items() if v) == ["Anna", "Ben", "Cara", "Eve", "group"]
        m.at("2026-12-08 19:10")
        [opened] = (await m.ticked("group"))["group"]
        m.at("2026-12-08 19:20")
        for name in ("Anna", "Ben", "Cara"):
            await m.tap(name, opened, "Sign in")
        m.at("2026-12-08 19:35")
        await m.tap("Eve", opened, "Sign in")
        m.at("2026-12-08 19:50")
        got = await m.ticked("Anna", "Dan")
        [result], [task] = got["Anna"], got["Dan"]
        for line in ("Expected 5 (full 4, probationary 1) · Present 4 (full 3, probationary 1) · On leave 1 · Absent 0",
                     "Present: Anna, Ben, Cara", "Late: Eve", "On leave: Dan (Night shift)"):
            assert line in result["text"], (line, result["text"])
        assert labels(task) == ["Study the lesson", "Studied"] and "“Home fire safety basics”" in task["text"]
        intro, lesson = await m.tap_next("Dan", task, "Study the lesson", count=2)
        assert intro["text"].startswith("📘 Make-up (补学): Home fire safety basics")
        assert labels(lesson) == ["✅ Studied"]
        await m.tap("Dan", lesson, "Studied")
        [shown] = await m.say("Anna", "/makeups")
        assert shown["text"].count("Completed:") == 2 and "Still open" not in shown["text"]

        m.at("2026-12-31 20:00")
        [report] = await m.say("Anna", "/cadence")
        for line in ("• Branch committee meeting: ✅ held 1/1", "• Theme party day: ❌ overdue 0/1",
                     "• Party group meeting (Group 1): ⏰ due soon 0/1 (by 2026-12-31)",
                     "• Party lecture: ✅ held 1/1"):
            assert line in report["text"], (line, report["text"])
        assert "2026-11" not in report["text"]  # the branch did not exist yet
        # Cara missed the 支委会 and made it up from the minutes; Dan, on leave, by studying the 党课's lesson.
        done = "; made up 1, still to make up 0"
        for name, line in (("Eve", "Meetings: 0 attended, 1 late, 0 on leave, 0 absent\n"),
                           ("Cara", f"Meetings: 1 attended, 0 late, 0 on leave, 1 absent{done}"),
                           ("Dan", f"Meetings: 0 attended, 0 late, 1 on leave, 0 absent{done}")):
            [me] = await m.say(name, "/me")
            assert line in me["text"], (name, me["text"])
        assert h.unhandled() == []
