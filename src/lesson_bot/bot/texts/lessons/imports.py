"""Texts of /import (an article becomes the branch's own lesson) and /quiz (its quiz, written in the chat)."""

from __future__ import annotations

from html import escape

from lesson_bot.bot.texts.quote import quoted
from lesson_bot.i18n import Lang
from lesson_bot.services.errors import InvalidInput
from lesson_bot.services.lessons.imports import BranchLessonView, DraftPreview, ImportFailed

_MB = 1_000_000


def use_private(t: Lang) -> str:
    return t._("Import articles in our private chat: send /import there.")


def ask_branch(t: Lang) -> str:
    return t._("Which branch is the lesson for?")


def ask_source(t: Lang, branch: str) -> str:
    return t._("<b>Import an article</b> as a lesson of {branch}\n\n"
               "Send me one of these:\n"
               "• a link to the article (http or https)\n"
               "• the article's text (forward it or paste it)\n"
               "• the article as an .html or .txt file\n\n"
               "/cancel stops.", branch=escape(branch))


def reading(t: Lang) -> str:
    return t._("Reading the article…")


def failed(t: Lang, exc: ImportFailed) -> str:
    """One line: what went wrong with the article, and what to do."""
    p = exc.params
    match exc.reason:
        case "status":
            why = t._("the website answered {status} instead of the article. Check the link in a browser and send "
                      "it again, or send the article's text.", status=p.get("status", "?"))
        case "media_type":
            why = t._("the link is a {type} file, not a web page. Send a link to the page, or the article's text.",
                      type=quoted(p.get("media_type", "?")))
        case "too_big":
            why = t._("it is larger than {limit} MB, too large for a lesson. Send the article's text instead.",
                      limit=f"{int(str(p.get('limit', 0))) / _MB:g}")
        case "not_url":
            why = t._("that is not a web link. A link starts with http:// or https://.")
        case "too_slow" | "silent" | "no_connection" | "unreachable":
            why = t._("the website could not be reached or did not answer in time. Try again later, or send the "
                      "article's text.")
        case "private_address":
            why = t._("the link points to an address inside a private network, which the bot does not open. Send a "
                      "link to a public page, or the article's text.")
        case "redirects":
            why = t._("the link keeps redirecting (a loop). Open it in a browser and send the final link.")
        case "no_text" | "clutter_only":
            why = t._("I found no article text in it. Send the article's text itself.")
        case "file_type":
            why = t._("{name} is not an .html or .txt file. Send the article as one of those, or as text.",
                      name=quoted(p.get("name", "?")))
        case _:
            why = t._("the draft could not be made ({detail}). Send the article's text instead.",
                      detail=quoted(p.get("problem", exc.reason)))
    return "⚠️ " + t._("Import failed: {why}", why=why)


def draft_caption(t: Lang, preview: DraftPreview) -> str:
    return t._("Draft: “{title}”, about {minutes} min. Below is the lesson as members will see it.",
               title=quoted(preview.title, 100), minutes=preview.minutes)


def ask_keep(t: Lang, preview: DraftPreview) -> str:
    lines = [t._("Keep “{title}” as a lesson of {branch}? Only this branch sees it. Its quiz is written next, here, "
                 "one question at a time.", title=quoted(preview.title, 100), branch=escape(preview.branch_title))]
    if preview.flagged:
        lines.append(t._("⚠️ {count} places in the text look damaged (garbled characters). To fix them, correct the "
                         "draft file and send it with /import.", count=preview.flagged))
    return "\n\n".join(lines)


def use_button(t: Lang) -> str:
    return t._("✅ Use it")


def cancel_button(t: Lang) -> str:
    return t._("Cancel")


def cancelled(t: Lang) -> str:
    return t._("Import cancelled; nothing was kept.")


def already(t: Lang, title: str) -> str:
    return t._("“{title}” is already a lesson of this branch. Send /quiz to write its quiz, /schedule to schedule "
               "it.", title=quoted(title, 100))


def kept(t: Lang, view: BranchLessonView) -> str:
    return t._("“{title}” is now a lesson of {branch}. It can be scheduled once its quiz is written.",
               title=quoted(view.title, 100), branch=escape(view.branch_title))


def writing_quiz(t: Lang, title: str) -> str:
    return t._("The quiz of “{title}”", title=quoted(title, 100))


def ask_question(t: Lang, number: int) -> str:
    return t._("<b>Question {number}</b>: send the question (at most 300 characters). /cancel stops; the questions "
               "already finished are not kept.", number=number)


def ask_options(t: Lang, number: int) -> str:
    return t._("<b>Question {number}</b>: send the options in one message, one per line (2 to 12 options, each at "
               "most 100 characters).", number=number)


def ask_correct(t: Lang, options: list[str]) -> str:
    listed = "\n".join(f"{n}. {escape(option)}" for n, option in enumerate(options, start=1))
    return t._("Which option is correct? Tap it or send its number.") + "\n\n" + listed


def ask_explanation(t: Lang) -> str:
    return t._("Send the explanation members see after answering: why the correct option is right (at most 200 "
               "characters).")


def ask_more(t: Lang, count: int, most: int) -> str:
    return t._("Question {count} is ready. Add another (at most {most}), or finish the quiz?", count=count,
               most=most)


def more_button(t: Lang) -> str:
    return t._("➕ Another question")


def done_button(t: Lang) -> str:
    return t._("✅ Finish the quiz")


def quiz_done(t: Lang, view: BranchLessonView) -> str:
    return t._("The quiz of “{title}” is written ({count} questions). Send /schedule to schedule the lesson for "
               "{branch}.", title=quoted(view.title, 100), count=view.questions, branch=escape(view.branch_title))


def pick_lesson(t: Lang) -> str:
    return t._("Which lesson's quiz do you want to write?")


def nothing_to_write(t: Lang) -> str:
    return t._("No imported lesson of your branches is waiting for its quiz. Send /import to import an article.")


def send_text(t: Lang) -> str:
    return t._("Please answer with a message, or use the buttons above. /cancel stops.")


def problem(t: Lang, exc: InvalidInput) -> str:
    """What was wrong with a typed quiz answer, and what to send instead."""
    p = exc.params
    match exc.field, exc.problem:
        case _, "empty":
            body = t._("That is empty. Send the text, please.")
        case _, "too_long":
            body = t._("That has {length} characters; at most {limit} fit. Shorten it and send it again.",
                       length=p.get("length", "?"), limit=p.get("limit", "?"))
        case _, "placeholder":
            body = t._("That still holds the draft's placeholder 【待填写】. Write the real text.")
        case "quiz.options", "count":
            body = t._("That is {count} options; a quiz needs 2 to 12, one per line.", count=p.get("count", 0))
        case "quiz.options", "repeated":
            body = t._("Option {number} repeats option {first}. Make every option different.",
                       number=p.get("number", "?"), first=p.get("first", "?"))
        case "quiz.correct", "not_an_option":
            body = t._("{value} is not one of the options. Send a number from 1 to {high}.",
                       value=quoted(p.get("value", "")), high=p.get("high", "?"))
        case "quiz.correct", "longest":
            body = t._("The correct option is by far the longest ({right} characters, the others at most {wrong}): "
                       "members could pick it by its length. Send the options again, shorter or more alike.",
                       right=p.get("right", "?"), wrong=p.get("wrong", "?"))
        case "quiz.correct", "given_away":
            body = t._("The explanation of question {number} names this answer ({value}). Send the options again "
                       "with a different correct option.", number=p.get("number", "?"), value=quoted(p.get("value")))
        case "quiz.explanation", "line_breaks":
            body = t._("The explanation may have at most {limit} line breaks. Join some lines.",
                       limit=p.get("limit", "?"))
        case "quiz.explanation", "gives_away":
            body = t._("The explanation names the answer of question {number} ({value}), which members have not "
                       "answered yet. Reword it.", number=p.get("number", "?"), value=quoted(p.get("value")))
        case _:
            body = t._("The quiz was not accepted: {detail}", detail=quoted(p.get("detail", exc.problem), 200))
    return f"⚠️ {body}"
