"""Texts of /me (a member's own record) and /progress (a lesson's check-ins, quiz results and who is missing)."""

from __future__ import annotations

from html import escape
from zoneinfo import ZoneInfo

from lesson_bot.domain.scoring import ScoringRules
from lesson_bot.i18n import Lang
from lesson_bot.services.lessons.progress import BranchRecord, DeliveryRef, LessonProgress, MyRecord

QUESTION_SHOWN = 60  # characters of a question quoted in /progress
MISSING_BUDGET = 2000  # characters of missing names shown; the count says how many there are


def _percent(right: int, answered: int) -> str:
    return f"{round(100 * right / answered)}%" if answered else "—"


def _meetings(t: Lang, r: BranchRecord) -> str:
    m = r.meetings
    line = t._("Meetings: {attended} attended, {late} late, {excused} on leave, {absent} absent",
               attended=m.attended, late=m.late, excused=m.excused, absent=m.absent)
    if m.excused or m.absent:  # their 补学 is due: how much of it is done
        line += t._("; made up {made_up}, still to make up {owed}", made_up=m.made_up, owed=m.to_make_up)
    return line


def _branch(t: Lang, r: BranchRecord) -> list[str]:
    p = r.points
    return [
        f"<b>{escape(r.title)}</b>",
        t._("Lessons: {delivered} delivered, {on_time} studied on time, {makeup} as make-up, {missed} missed",
            delivered=r.lessons.delivered, on_time=r.lessons.on_time, makeup=r.lessons.makeup,
            missed=r.lessons.missed),
        t._("Quiz: {right}/{answered} first answers right ({percent}); reviews {review_right}/{review_answered} right",
            right=r.quiz.right, answered=r.quiz.answered, percent=_percent(r.quiz.right, r.quiz.answered),
            review_right=r.quiz.review_right, review_answered=r.quiz.review_answered),
        _meetings(t, r),
        t._("Points: <b>{total}</b> (lessons {lessons} + quiz {quiz} + meetings {meetings})", total=p.total,
            lessons=p.lessons, quiz=p.quiz, meetings=p.meetings),
    ]


def my_record(t: Lang, record: MyRecord | None) -> str:
    """/me: the member's record per branch."""
    if record is None or not record.branches:
        return t._("You are not on any branch's roster yet. Send /join in your branch's group, or open the link "
                   "your secretary shares.")
    lines = [t._("<b>Your record</b>, {name}", name=escape(record.name))]
    for branch in record.branches:
        lines += ["", *_branch(t, branch)]
    return "\n".join([*lines, "", *points_key(t, record.rules)])


def points_key(t: Lang, rules: ScoringRules) -> list[str]:
    """What each thing is worth, from the rules the points above were computed with."""
    lines = [t._("Points: lesson on time {on_time}, make-up {makeup}; right first answer {right}; meeting attended "
                 "{attended}, late {late}, made up {meeting_makeup}.", on_time=rules.on_time_checkin,
                 makeup=rules.makeup_checkin, right=rules.right_answer, attended=rules.attended, late=rules.late,
                 meeting_makeup=rules.meeting_makeup)]
    if rules.excused or rules.absent:  # zero by default, and then not worth a line
        lines.append(t._("A meeting missed on leave counts {excused}, one missed without leave {absent}.",
                         excused=rules.excused, absent=rules.absent))
    return lines


def me_sent_privately(t: Lang) -> str:
    return t._("I have sent your record to you in private.")


def me_start_first(t: Lang) -> str:
    return t._("Your record is private: start me in a private chat first, then send /me there.")


def start_button(t: Lang) -> str:
    return t._("Open a private chat")


def _when(ref: DeliveryRef, zone: str) -> str:
    return ref.delivered_at.astimezone(ZoneInfo(zone)).strftime("%m-%d")


def earlier_button(ref: DeliveryRef, zone: str) -> str:
    return f"{_when(ref, zone)} {ref.title}"[:60]


def _missing(t: Lang, names: tuple[str, ...]) -> str:
    sep = "、" if t.locale == "zh-Hans" else ", "
    shown: list[str] = []
    used = 0
    for name in names:
        used += len(name) + 1
        if used > MISSING_BUDGET:
            return sep.join(shown) + "…"
        shown.append(escape(name))
    return sep.join(shown)


def progress(t: Lang, view: LessonProgress) -> str:
    """/progress: one delivered lesson's check-ins, quiz per question and the members missing."""
    if view.delivery is None:
        return t._("No lesson has been delivered to {branch} yet.", branch=escape(view.branch.title))
    zone = view.branch.timezone
    lines = [
        t._("<b>“{title}”</b> ({branch}, delivered {date})", title=escape(view.delivery.title),
            branch=escape(view.branch.title),
            date=view.delivery.delivered_at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")),
        t._("Studied: {studied}/{expected} (on time {on_time}, make-up {makeup})", studied=view.studied,
            expected=view.expected, on_time=view.on_time, makeup=view.makeup),
    ]
    if view.questions:
        lines += ["", t._("<b>Quiz</b> (first answers)")]
    for q in view.questions:
        question = q.question if len(q.question) <= QUESTION_SHOWN else q.question[:QUESTION_SHOWN] + "…"
        # The question on its own line (it ends in its own "？"), its figures indented under it.
        lines.append(f"{q.index + 1}. {escape(question)}")
        line = "    " + t._("{right}/{answered} right", right=q.right, answered=q.answered)
        if q.top_wrong is not None:
            line += t._("; most chosen wrong answer: “{option}” ({count})", option=escape(q.top_wrong),
                        count=q.top_wrong_count)
        lines.append(line)
    lines.append("")
    if view.missing:
        lines.append(t._("<b>Not studied yet ({n}):</b> {names}", n=len(view.missing),
                         names=_missing(t, view.missing)))
    else:
        lines.append(t._("Everyone has studied it."))
    if view.earlier:
        lines.append(t._("Earlier lessons:"))
    return "\n".join(lines)
