"""The demo's meeting: /meeting in the group, the notice the engine posts, 参加 and 请假, and the secretary's
approval. 签到 opens 20 minutes before the start, after the demo ends, so it is only told."""

from __future__ import annotations

from lesson_bot.demo.lesson import Branch
from lesson_bot.demo.scene import Message, Scene

ENGINE_WAIT_S = 30.0  # an outbox message goes out at the engine's next tick (every 5 s)
MEETING_TYPE = "支部党员大会"


def _last_button(message: Message) -> str:
    """The label of the last button in the first row (the latest of the start presets)."""
    return str(message["buttons"][0][-1]["text"])


def _default(message: Message) -> str:
    """The label of the preselected choice ("✓ ...")."""
    return str(next(b["text"] for row in message["buttons"] for b in row if b["text"].startswith("✓")))


async def call_meeting(scene: Scene, branch: Branch) -> Message:
    """11. The secretary calls a 支部党员大会 with /meeting in private; the notice the engine posts in the group."""
    sec = branch.secretary
    chat, here = sec, "[私聊 李明]"
    scene.step("11. The secretary calls a meeting with /meeting, in private")
    [ask_type] = await scene.say(chat, here, sec, "/meeting")
    await scene.tap(chat, here, sec, ask_type, MEETING_TYPE)
    [ask_start] = await scene.say(chat, here, sec, "学习党史：中共一大的历史意义")
    await scene.tap(chat, here, sec, ask_start, _last_button(ask_start))
    [ask_host] = await scene.say(chat, here, sec, "站三楼党员活动室")
    _, _, [ask_recorder] = await scene.tap(chat, here, sec, ask_host, "李明")
    _, _, [ask_duration] = await scene.tap(chat, here, sec, ask_recorder, "王芳")
    _, _, [summary] = await scene.tap(chat, here, sec, ask_duration, _default(ask_duration))
    mark = await scene.last_id(branch.chat)
    await scene.tap(chat, here, sec, summary, "确认")
    scene.note("The notice goes out through the outbox: the engine posts it in the group at its next tick.")
    [notice] = await scene.replies(branch.chat, "[群]", mark, timeout=ENGINE_WAIT_S)
    return notice


async def answer_notice(scene: Scene, branch: Branch, notice: Message) -> None:
    """12. Members answer: 参加, and 请假 with a reason in private, approved by the secretary."""
    chat, here, sec = branch.chat, "[群]", branch.secretary
    zhang, wang, chen = branch.members["张伟"], branch.members["王芳"], branch.members["陈静"]
    scene.step("12. 参加 and 请假: the leave request goes to the secretary, who approves it")
    for member in (wang, chen):
        await scene.tap(chat, here, member, notice, "参加")
    at_zhang, at_sec = "[私聊 张伟]", "[私聊 李明]"
    zhang_mark = await scene.last_id(zhang)
    await scene.tap(chat, here, zhang, notice, "请假")
    await scene.replies(zhang, at_zhang, zhang_mark)
    sec_mark = await scene.last_id(sec)
    await scene.say(zhang, at_zhang, zhang, "那天在外地执行增援任务")
    scene.note("The request reaches the secretary in private (through the outbox).")
    [request] = await scene.replies(sec, at_sec, sec_mark, timeout=ENGINE_WAIT_S)
    zhang_mark = await scene.last_id(zhang)
    await scene.tap(sec, at_sec, sec, request, "批准")
    await scene.replies(zhang, at_zhang, zhang_mark, timeout=ENGINE_WAIT_S)
    scene.note("签到 opens 20 minutes before the start: the group then gets a 签到 button, and when the window "
               "closes the secretary gets the attendance (应到, 实到, 请假, 缺席).")


async def meeting(scene: Scene, branch: Branch) -> None:
    """Steps 11-12: a meeting from /meeting to an approved 请假."""
    notice = await call_meeting(scene, branch)
    await answer_notice(scene, branch, notice)
