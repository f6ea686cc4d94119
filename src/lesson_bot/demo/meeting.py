"""The demo's meeting: /meeting in the group, the notice the engine posts, 参加 and 请假, and the secretary's
approval; then 签到 at a second meeting, called to start a quarter of an hour later so that its window is open."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from lesson_bot.demo.lesson import Branch
from lesson_bot.demo.scene import Message, Scene
from lesson_bot.services.clock import Clock

ENGINE_WAIT_S = 30.0  # an outbox message goes out at the engine's next tick (every 5 s)
MEETING_TYPE = "支部党员大会"
SOON_TOPIC = "观看红色教育片"
SOON = timedelta(minutes=15)  # the second meeting's start: within the 20 minutes before it, 签到 is open


def _last_button(message: Message) -> str:
    """The label of the last button in the first row (the latest of the start presets)."""
    return str(message["buttons"][0][-1]["text"])


def _default(message: Message) -> str:
    """The label of the preselected choice ("✓ ...")."""
    return str(next(b["text"] for row in message["buttons"] for b in row if b["text"].startswith("✓")))


async def _call(scene: Scene, branch: Branch, topic: str, start: str | None) -> int:
    """The /meeting wizard in the secretary's private chat: the type, `topic`, the latest start preset (or the
    typed `start`), then (the first time this type is called) the place, host and recorder and the default duration,
    confirm. The group's last message id
    before the confirmation."""
    sec = branch.secretary
    chat, here = sec, "[私聊 李明]"
    [ask_type] = await scene.say(chat, here, sec, "/meeting")
    await scene.tap(chat, here, sec, ask_type, MEETING_TYPE)
    [ask_start] = await scene.say(chat, here, sec, topic)
    if start is None:
        _, now, new = await scene.tap(chat, here, sec, ask_start, _last_button(ask_start))
        asked = new[-1] if new else now
    else:
        [asked] = await scene.say(chat, here, sec, start)
    if any("确认" in b["text"] for row in asked.get("buttons") or [] for b in row):
        # A routine meeting: the type was called before, so the wizard went straight to the summary.
        scene.note(scene.t._("李明 called a meeting of this type before: the wizard takes the place, host, recorder "
                             "and duration from last time (each can be changed on the summary) and asks only for "
                             "the topic and the start."))
        summary = asked
    else:
        [ask_host] = await scene.say(chat, here, sec, "站三楼党员活动室")
        _, _, [ask_recorder] = await scene.tap(chat, here, sec, ask_host, "李明")
        _, _, [ask_duration] = await scene.tap(chat, here, sec, ask_recorder, "王芳")
        _, _, [summary] = await scene.tap(chat, here, sec, ask_duration, _default(ask_duration))
    mark = await scene.last_id(branch.chat)
    await scene.tap(chat, here, sec, summary, "确认")
    return mark


async def call_meeting(scene: Scene, branch: Branch) -> Message:
    """11. The secretary calls a 支部党员大会 with /meeting in private; the notice the engine posts in the group."""
    scene.step(scene.t._("11. The secretary calls a meeting with /meeting, in private"))
    mark = await _call(scene, branch, "学习党史：中共一大的历史意义", None)
    scene.note(scene.t._("The notice goes out through the outbox: the engine posts it in the group at its next "
                         "tick."))
    [notice] = await scene.replies(branch.chat, "[群]", mark, timeout=ENGINE_WAIT_S)
    return notice


async def sign_in(scene: Scene, branch: Branch, clock: Clock) -> None:
    """13. A meeting that starts in a quarter of an hour: the engine opens 签到 in the group and members sign in."""
    t = scene.t
    scene.step(t._("13. 签到: a meeting that starts in a quarter of an hour, and members signing in"))
    start = (clock.now() + SOON).astimezone(ZoneInfo(branch.zone))
    scene.note(t._("李明 calls another meeting, typing its start ({start}): its sign-in window (from 20 minutes "
                   "before the start) is open at once.", start=f"{start:%H:%M}"))
    mark = await _call(scene, branch, SOON_TOPIC, f"{start:%Y-%m-%d %H:%M}")
    scene.note(t._("The engine posts the notice and opens 签到 in the group at its next tick…"))
    opened: Message | None = None
    while opened is None:
        got = await scene.replies(branch.chat, "[群]", mark, timeout=ENGINE_WAIT_S)
        mark = got[-1]["message_id"]
        opened = next((m for m in got if any("签到" in b["text"] for row in m.get("buttons") or [] for b in row)),
                      None)
    for member in (branch.members["王芳"], branch.members["陈静"]):
        await scene.tap(branch.chat, "[群]", member, opened, "签到")
    [which] = await scene.say(branch.chat, "[群]", branch.secretary, "/attendance")
    await scene.tap(branch.chat, "[群]", branch.secretary, which, SOON_TOPIC)


async def answer_notice(scene: Scene, branch: Branch, notice: Message) -> None:
    """12. Members answer: 参加, and 请假 with a reason in private, approved by the secretary."""
    chat, here, sec = branch.chat, "[群]", branch.secretary
    zhang, wang, chen = branch.members["张伟"], branch.members["王芳"], branch.members["陈静"]
    scene.step(scene.t._("12. 参加 and 请假: the leave request goes to the secretary, who approves it"))
    for member in (wang, chen):
        await scene.tap(chat, here, member, notice, "参加")
    at_zhang, at_sec = "[私聊 张伟]", "[私聊 李明]"
    zhang_mark = await scene.last_id(zhang)
    await scene.tap(chat, here, zhang, notice, "请假")
    await scene.replies(zhang, at_zhang, zhang_mark)
    sec_mark = await scene.last_id(sec)
    await scene.say(zhang, at_zhang, zhang, "那天在外地执行增援任务")
    scene.note(scene.t._("The request reaches the secretary in private (through the outbox)."))
    [request] = await scene.replies(sec, at_sec, sec_mark, timeout=ENGINE_WAIT_S)
    zhang_mark = await scene.last_id(zhang)
    await scene.tap(sec, at_sec, sec, request, "批准")
    await scene.replies(zhang, at_zhang, zhang_mark, timeout=ENGINE_WAIT_S)


async def meeting(scene: Scene, branch: Branch, clock: Clock) -> None:
    """Steps 11-13: a meeting from /meeting to an approved 请假, and 签到 at one about to start."""
    notice = await call_meeting(scene, branch)
    await answer_notice(scene, branch, notice)
    await sign_in(scene, branch, clock)
