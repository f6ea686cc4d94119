"""The demo's lesson cycle: /schedule in the group, the engine delivers on the minute, check-ins and quiz answers,
the live count, /progress and /me, and a 补学 in private. Everything runs on the real clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.markup import escape

from lesson_bot.content.loader import load_lesson_file
from lesson_bot.content.model import LessonDoc
from lesson_bot.demo.scene import Message, Scene
from lesson_bot.services.clock import Clock

LESSON_SLUG = "red-first-congress"
LEAD = timedelta(seconds=90)  # typed time = this far ahead, down to the minute: 30 to 90 s away
DELIVERY_GRACE_S = 60.0  # how long past the minute the narration waits for the engine before giving up


@dataclass(frozen=True)
class Branch:
    """The group the earlier steps set up, and the people in it."""

    chat: int
    zone: str
    secretary: int
    members: dict[str, int]  # on the roster, by name


def read_lesson(lessons_dir: Path) -> LessonDoc:
    """The lesson the secretary will schedule, read from the library the bot loaded (title, series, quiz)."""
    path = next(lessons_dir.rglob(f"{LESSON_SLUG}.md"), lessons_dir / f"{LESSON_SLUG}.md")  # series sub-folders
    result = load_lesson_file(path, lessons_dir.parent / "media")
    if result.lesson is None:
        raise RuntimeError(f"the demo's lesson {LESSON_SLUG} does not load: {result.problems}")
    return result.lesson


def send_time(clock: Clock, zone: str) -> datetime:
    """A wall time in the branch's zone one or two minutes ahead, whole minutes, always at least 30 s away."""
    return (clock.now() + LEAD).astimezone(ZoneInfo(zone)).replace(second=0, microsecond=0)


async def schedule(scene: Scene, branch: Branch, lesson: LessonDoc, clock: Clock) -> datetime:
    """7. The secretary taps through /schedule in the group and types a time; the moment it is due."""
    chat, here, sec = branch.chat, "[群]", branch.secretary
    scene.step(scene.t._("7. /schedule in the group: the lesson by buttons, then a typed time"))
    [wizard] = await scene.say(chat, here, sec, "/schedule")
    _, wizard, _ = await scene.tap(chat, here, sec, wizard, lesson.series)
    _, wizard, _ = await scene.tap(chat, here, sec, wizard, lesson.title.split("：")[0])
    due = send_time(clock, branch.zone)
    local_now = clock.now().astimezone(ZoneInfo(branch.zone))
    scene.note(scene.t._("(It is {now} in {zone}; 李明 types a time a minute or two ahead.)",
                          now=f"{local_now:%H:%M:%S}", zone=branch.zone))
    [preview] = await scene.say(chat, here, sec, f"{due:%Y-%m-%d %H:%M}")
    await scene.tap(chat, here, sec, preview, "确认")
    return due


async def delivered(scene: Scene, branch: Branch, lesson: LessonDoc, due: datetime, clock: Clock) -> list[Message]:
    """Wait (on the sandbox, no sleeping) until the engine has posted the lesson and all its quiz polls."""
    mark = await scene.last_id(branch.chat)
    wait_s = max(0.0, (due - clock.now()).total_seconds()) + DELIVERY_GRACE_S
    scene.note(scene.t._("The delivery engine (planner every 5 s, then the rate-limited dispatcher) posts it at "
                         "{due}. Waiting up to {seconds} s for it to arrive (Ctrl-C stops the demo)…",
                         due=f"{due:%H:%M}", seconds=f"{wait_s:.0f}"))
    count, timeout = 1, wait_s
    while True:
        ids = (await scene.control.wait_bot_messages(branch.chat, after=mark, count=count,
                                                     timeout=timeout))["message_ids"]
        by_id = {m["message_id"]: m for m in (await scene.control.transcript(branch.chat))["messages"]}
        messages = [by_id[i] for i in ids]
        if sum("poll" in m for m in messages) >= len(lesson.quiz):
            return messages
        count, timeout = len(ids) + 1, DELIVERY_GRACE_S


def _right(poll: Message) -> int:
    return int(poll["poll"]["correct_option_ids"][0])


async def lesson_in_group(scene: Scene, branch: Branch, lesson: LessonDoc, due: datetime,
                          clock: Clock) -> tuple[Message, list[Message]]:
    """8. The lesson arrives; two members check in and answer; the button's live count follows."""
    chat, here = branch.chat, "[群]"
    messages = await delivered(scene, branch, lesson, due, clock)
    arrived = clock.now().astimezone(ZoneInfo(branch.zone))
    scene.step(scene.t._("8. The lesson arrives in the group ({time}): text, ✅ button, quiz polls",
                          time=f"{arrived:%H:%M:%S}"))
    for message in messages:
        scene.show(here, message)
    [text] = [m for m in messages if m.get("buttons")]
    polls = [m for m in messages if "poll" in m]
    zhang, wang = branch.members["张伟"], branch.members["王芳"]
    scene.note(scene.t._("张伟 and 王芳 read it, tap the button and answer the quiz (王芳 gets the first question "
                         "wrong)."))
    for member in (zhang, wang):
        await scene.tap(chat, here, member, text, "已学习")
    for number, poll in enumerate(polls):
        await scene.vote(chat, here, zhang, poll, _right(poll))
        wrong = (_right(poll) + 1) % len(poll["poll"]["options"])
        await scene.vote(chat, here, wang, poll, wrong if number == 0 else _right(poll))
    await live_count(scene, chat, text, checked_in=2)
    return text, polls


async def live_count(scene: Scene, chat: int, text: Message, checked_in: int) -> None:
    """The engine edits the button to show the count (at most every 15 s per lesson): wait for that edit."""
    scene.note(scene.t._("The engine's count job edits the button (at most one edit per 15 s, however many "
                         "members tap)…"))
    edits = int((await scene.control.counters())["requests"].get("editMessageReplyMarkup", 0))
    while True:
        now = await scene.current(chat, text["message_id"])
        label = now["buttons"][0][0]["text"] if now.get("buttons") else ""
        if label.split(" ")[-1].startswith(f"{checked_in}/"):
            break
        edits += 1
        # The sandbox applies an edit in the same step as it counts the request, so the label is current now.
        await scene.control.wait_requests("editMessageReplyMarkup", count=edits, timeout=DELIVERY_GRACE_S)
    scene.console.print(f"[dim]{escape('[群]')}[/dim] [bold]{escape(scene.t._('🤖 bot'))}[/bold] "
                        f"{escape(scene.t._('edits the lesson button:'))} [reverse] {escape(label)} [/reverse]",
                        highlight=False)


async def progress_and_me(scene: Scene, branch: Branch) -> None:
    """9. /progress by the secretary in the group; a member's own record with /me in private."""
    scene.step(scene.t._("9. The secretary's /progress in the group; 张伟's /me in private"))
    await scene.say(branch.chat, "[群]", branch.secretary, "/progress")
    zhang, where = branch.members["张伟"], "[私聊 张伟]"
    scene.note(scene.t._("张伟 opens a private chat with the bot and asks for his own record."))
    await scene.control.start(zhang)
    await scene.replies(zhang, where, 0)
    await scene.say(zhang, where, zhang, "/me")


async def makeup(scene: Scene, branch: Branch) -> None:
    """10. A member who missed the lesson makes it up (补学) in private with /lessons."""
    chen, where = branch.members["陈静"], "[私聊 陈静]"
    scene.step(scene.t._("10. 陈静 missed it: /lessons in private and 补学"))
    [listing] = await scene.say(chen, where, chen, "/lessons")
    _, _, sent = await scene.tap(chen, where, chen, listing, "补学")
    [text] = [m for m in sent if any("已学习" in b["text"] for row in m.get("buttons") or [] for b in row)]
    await scene.tap(chen, where, chen, text, "已学习")
    polls = [m for m in sent if "poll" in m]
    for poll in polls:
        await scene.vote(chen, where, chen, poll, _right(poll))
    await scene.say(branch.chat, "[群]", branch.secretary, "/progress")


async def lesson_cycle(scene: Scene, branch: Branch, lessons_dir: Path, clock: Clock) -> None:
    """Steps 7-10: a lesson from scheduling to 补学."""
    lesson = read_lesson(lessons_dir)
    due = await schedule(scene, branch, lesson, clock)
    await lesson_in_group(scene, branch, lesson, due, clock)
    await progress_and_me(scene, branch)
    await makeup(scene, branch)
