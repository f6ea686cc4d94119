"""The steps of the /schedule and /plan wizards: what each shows, and where a tap or a typed answer leads.

/schedule: [branch] -> series -> lesson -> time -> confirm.  /plan: [branch] -> series -> slot -> start -> confirm.
The state lives in the dialog row (services/dialogs.py), so a restart or another replica continues where it was.
A bad answer keeps the step and shows what was wrong above the same question.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from telegram import InlineKeyboardMarkup

from lesson_bot.bot.context import Context
from lesson_bot.bot.handlers.schedules import keyboards as kb
from lesson_bot.bot.texts.schedules import wizard as texts
from lesson_bot.bot.texts.schedules.errors import problem
from lesson_bot.domain.ids import parse_id
from lesson_bot.i18n import Lang
from lesson_bot.services.dialogs import DialogState
from lesson_bot.services.errors import InvalidInput, NotFound
from lesson_bot.services.schedules.views import Catalog, LessonChoice, LessonPlan, SeriesChoice

SCHEDULE, PLAN = "schedule", "plan"
KINDS = (SCHEDULE, PLAN)
_BACK = {
    SCHEDULE: {"lesson": "series", "time": "lesson", "confirm": "time"},
    PLAN: {"slot": "series", "start": "slot", "confirm": "start"},
}


@dataclass(frozen=True)
class Screen:
    text: str
    markup: InlineKeyboardMarkup | None
    step: str | None  # the dialog's step once this is shown; None when the wizard ended


class Flow:
    """One turn of a wizard: its dialog, the person acting, and their language."""

    def __init__(self, context: Context, t: Lang, user_id: int, dialog: DialogState) -> None:
        self.context = context
        self.t = t
        self.user_id = user_id
        self.dialog = dialog
        self.schedules = context.services.schedules

    @property
    def plan(self) -> bool:
        return self.dialog.kind == PLAN

    @property
    def data(self) -> dict[str, Any]:
        return self.dialog.data

    @property
    def branch_id(self) -> int:
        return int(self.data["b"])

    async def goto(self, step: str, **changes: Any) -> Screen:
        """Move to `step` (keeping what was collected, plus `changes`) and show it."""
        await self.context.services.dialogs.advance(self.dialog.id, step, changes)
        self.dialog = replace(self.dialog, step=step, data={**self.data, **changes})
        return await self.render()

    async def end(self, text: str) -> Screen:
        await self.context.services.dialogs.end(self.dialog.id)
        return Screen(text, None, None)

    async def _catalog(self) -> Catalog:
        return await self.schedules.catalog(self.user_id, self.branch_id)

    async def _series(self, catalog: Catalog) -> SeriesChoice:
        found = catalog.find_series(str(self.data.get("series")))
        if found is None:
            raise NotFound("series", self.data.get("series"))
        return found

    async def _lesson(self, catalog: Catalog) -> LessonChoice:
        series = await self._series(catalog)
        found = next((lesson for lesson in series.lessons if lesson.id == self.data.get("lesson")), None)
        if found is None:
            raise NotFound("lesson", self.data.get("lesson"))
        return found

    def _start(self) -> date | None:
        return date.fromisoformat(self.data["start"]) if self.data.get("start") else None

    async def render(self) -> Screen:
        """The current step's question and buttons."""
        t, step, dialog_id = self.t, self.dialog.step, self.dialog.id
        if step == "branch":
            views = await self.context.services.branches.list_for(self.user_id)
            return Screen(texts.ask_branch(t, self.plan), kb.branches(t, dialog_id, views), step)
        catalog = await self._catalog()
        if step == "series":
            if not catalog.series:
                return Screen(texts.no_lessons(t), kb.nav_only(t, dialog_id, back=bool(self.data.get("multi"))), step)
            return Screen(texts.ask_series(t, self.plan, catalog.branch_title, catalog.series),
                          kb.series(t, dialog_id, catalog.series, back=bool(self.data.get("multi"))), step)
        if step == "lesson":
            series, page = await self._series(catalog), int(self.data.get("page", 0))
            pages = max(1, -(-len(series.lessons) // kb.PAGE))
            return Screen(texts.ask_lesson(t, catalog.branch_title, series, page * kb.PAGE, page, pages),
                          kb.lessons(t, dialog_id, series, page), step)
        if step == "time":
            lesson = await self._lesson(catalog)
            presets = await self.schedules.time_presets(self.user_id, self.branch_id)
            await self.context.services.dialogs.advance(dialog_id, step, {"presets": [p.when for p in presets]})
            return Screen(texts.ask_time(t, catalog.branch_title, lesson, catalog.timezone),
                          kb.presets(t, dialog_id, presets), step)
        if step == "slot":
            presets = await self.schedules.slot_presets(self.user_id, self.branch_id)
            await self.context.services.dialogs.advance(dialog_id, step, {"presets": [p.when for p in presets]})
            return Screen(texts.ask_slot(t, catalog.branch_title, await self._series(catalog), catalog.timezone),
                          kb.presets(t, dialog_id, presets), step)
        if step == "start":
            shown = await self.schedules.preview(self.user_id, self.branch_id, self.data["when"], locale=t.locale)
            return Screen(texts.ask_start(t, catalog.branch_title, shown.description), kb.start(t, dialog_id), step)
        return await self._render_confirm(catalog)

    async def _render_confirm(self, catalog: Catalog) -> Screen:
        t, dialog_id = self.t, self.dialog.id
        if self.plan:
            plan = await self.schedules.preview_plan(self.user_id, self.branch_id, self.data["series"],
                                                     self.data["when"], starts_on=self._start(), locale=t.locale)
            return Screen(texts.confirm_plan(t, catalog.branch_title, plan, catalog.timezone),
                          kb.confirm(t, dialog_id), "confirm")
        lesson = await self._lesson(catalog)
        shown = await self.schedules.preview(self.user_id, self.branch_id, self.data["when"], locale=t.locale)
        return Screen(texts.confirm_lesson(t, catalog.branch_title, lesson, shown, catalog.timezone),
                      kb.confirm(t, dialog_id), "confirm")

    async def _failed(self, exc: InvalidInput | NotFound) -> Screen:
        """The current step again, with what was wrong above it."""
        current = await self.render()
        return replace(current, text=f"{problem(self.t, exc)}\n\n{current.text}")

    async def tap(self, verb: str, arg: str) -> Screen:
        """A button of the current step."""
        try:
            return await self._tap(verb, arg)
        except (InvalidInput, NotFound) as exc:
            if verb == "ok":  # something changed since the preview (the time passed): back to choosing it
                self.dialog = replace(self.dialog, step=_BACK[self.dialog.kind]["confirm"])
                await self.context.services.dialogs.advance(self.dialog.id, self.dialog.step, {})
            return await self._failed(exc)

    async def _tap(self, verb: str, arg: str) -> Screen:
        step = self.dialog.step
        if verb == "cx":
            return await self.end(texts.cancelled(self.t))
        if verb == "bk":
            back = _BACK[self.dialog.kind].get(step) or ("branch" if self.data.get("multi") else step)
            return await self.goto(back)
        if verb == "br" and step == "branch":
            return await self.goto("series", b=int(arg))
        if verb == "se" and step == "series":
            catalog = await self._catalog()
            if int(arg) >= len(catalog.series):
                raise NotFound("series", arg)
            return await self._chose_series(catalog.series[int(arg)])
        if verb == "pg" and step == "lesson":
            return await self.goto("lesson", page=int(arg))
        if verb == "ls" and step == "lesson":
            return await self._chose_lesson(int(arg))
        if verb == "wh" and step in ("time", "slot"):
            presets = self.data.get("presets", [])
            if int(arg) >= len(presets):
                return await self.render()
            return await self._chose_when(presets[int(arg)])
        if verb == "st" and step == "start":
            return await self._chose_start(None)
        if verb == "ok" and step == "confirm":
            return await self._confirm()
        return await self.render()  # a tap that does not belong to this step: show the step again

    async def typed(self, text: str) -> Screen:
        """A typed answer to the current step."""
        text = text.strip()
        try:
            return await self._typed(text)
        except (InvalidInput, NotFound) as exc:
            return await self._failed(exc)

    async def _typed(self, text: str) -> Screen:
        step = self.dialog.step
        if step == "series":
            catalog = await self._catalog()
            number = parse_id(text) or 0
            found = next((s for i, s in enumerate(catalog.series, start=1)
                          if i == number or s.name.casefold() == text.casefold()), None)
            if found is None:
                raise NotFound("series", text)
            return await self._chose_series(found)
        if step == "lesson":
            series = await self._series(await self._catalog())
            number = parse_id(text) or 0
            lesson = next((lesson for i, lesson in enumerate(series.lessons, start=1)
                           if i == number or text.casefold() in (lesson.title.casefold(), lesson.slug)), None)
            if lesson is None:
                raise NotFound("lesson", text)
            return await self._chose_lesson(lesson.id)
        if step in ("time", "slot"):
            return await self._chose_when(text)
        if step == "start":
            return await self._chose_start(await self.schedules.read_start(self.user_id, self.branch_id, text))
        current = await self.render()
        return replace(current, text=f"{texts.use_buttons(self.t)}\n\n{current.text}")

    async def _chose_series(self, series: SeriesChoice) -> Screen:
        return await self.goto("slot" if self.plan else "lesson", series=series.name, page=0)

    async def _chose_lesson(self, lesson_id: int) -> Screen:
        series = await self._series(await self._catalog())
        lesson = next((lesson for lesson in series.lessons if lesson.id == lesson_id), None)
        if lesson is None:
            raise NotFound("lesson", lesson_id)
        if lesson.quiz_unwritten:
            raise InvalidInput("lesson", "quiz_unwritten", value=lesson.title)
        return await self.goto("time", lesson=lesson_id)

    async def _chose_when(self, when: str) -> Screen:
        if self.plan:
            # Checked with the series now, so a one-off time is refused at this step rather than at the preview.
            await self.schedules.preview_plan(self.user_id, self.branch_id, self.data["series"], when,
                                              locale=self.t.locale)
            return await self.goto("start", when=when, start=None)
        await self.schedules.preview(self.user_id, self.branch_id, when, locale=self.t.locale)
        return await self.goto("confirm", when=when)

    async def _chose_start(self, day: date | None) -> Screen:
        await self.schedules.preview_plan(self.user_id, self.branch_id, self.data["series"], self.data["when"],
                                          starts_on=day, locale=self.t.locale)
        return await self.goto("confirm", start=day.isoformat() if day else None)

    async def _confirm(self) -> Screen:
        if self.plan:
            shown = await self.schedules.preview_plan(self.user_id, self.branch_id, self.data["series"],
                                                      self.data["when"], starts_on=self._start(), locale=self.t.locale)
            view = await self.schedules.create(self.user_id, self.branch_id, LessonPlan(series=self.data["series"]),
                                               self.data["when"], starts_on=self._start(), locale=self.t.locale)
            return await self.end(texts.done_plan(self.t, view, shown))
        lesson = await self._lesson(await self._catalog())
        view = await self.schedules.create(self.user_id, self.branch_id, LessonPlan(lesson_slug=lesson.slug),
                                           self.data["when"], locale=self.t.locale)
        return await self.end(texts.done_lesson(self.t, view))
