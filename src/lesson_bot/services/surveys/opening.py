"""Opening a survey (admins): one anonymous poll per question in every active branch group, through the outbox.

Each branch's expected count is its active roster at opening, kept on every poll row so that results say "N votes;
M members expected" whatever the roster becomes later. The polls carry no open_period: the close tick stops them
(services/surveys/closing.py), which is also how their counts are read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lesson_bot.db import outbox
from lesson_bot.db.models import Branch, Membership, Survey, SurveyPoll, SurveyQuestion
from lesson_bot.db.outbox import OutboxItem
from lesson_bot.db.uow import Database
from lesson_bot.domain.enums import BranchStatus, MembershipStatus
from lesson_bot.domain.permissions import Action
from lesson_bot.domain.surveys import Scale, SurveyState, check_options, check_survey
from lesson_bot.i18n import Translator
from lesson_bot.services.access import AccessControl
from lesson_bot.services.clock import Clock
from lesson_bot.services.errors import Conflict, InvalidInput, NotFound
from lesson_bot.services.messages import surveys as parts

SHORTEST = timedelta(minutes=10)  # members need time to see and answer the polls
LONGEST = timedelta(days=92)  # a quarter: longer is a mistake in the close time, not a survey


@dataclass(frozen=True)
class QuestionInput:
    text: str
    scale: Scale = Scale.SATISFACTION


@dataclass(frozen=True)
class SurveyView:
    """A survey as lists and results show it."""

    id: int
    title: str
    period: str
    opens_at: datetime
    closes_at: datetime
    state: SurveyState
    questions: int
    branches: int  # branch groups it was sent to


def _view(survey: Survey, questions: int, branches: int) -> SurveyView:
    return SurveyView(survey.id, survey.title, survey.period, survey.opens_at, survey.closes_at, survey.state,
                      questions, branches)


async def active_roster(s: AsyncSession, branch_id: int) -> int:
    return int((await s.execute(select(func.count()).select_from(Membership).where(
        Membership.branch_id == branch_id, Membership.status == MembershipStatus.ACTIVE))).scalar_one())


class SurveyService:
    """Open surveys and list them (results: services/surveys/results.py)."""

    def __init__(self, db: Database, clock: Clock, access: AccessControl, translator: Translator) -> None:
        self._db = db
        self._clock = clock
        self._access = access
        self._translator = translator

    async def open_survey(self, actor: int, title: str, period: str, questions: Sequence[QuestionInput],
                          closes_at: datetime) -> SurveyView:
        """Open a survey in every active branch group (admins); its polls go out through the outbox."""
        now = self._clock.now()
        title, period = title.strip(), period.strip()
        texts = [q.text.strip() for q in questions]
        async with self._db.transaction() as s:
            who = await self._access.require(s, actor, Action.RUN_SURVEY)
            problem = check_survey(title, period, texts)
            if problem is not None:
                raise InvalidInput(f"survey.{problem.field}", problem.problem, index=problem.index,
                                   limit=problem.limit)
            if closes_at < now + SHORTEST:
                raise InvalidInput("survey.closes", "too_soon", minutes=int(SHORTEST.total_seconds() // 60))
            if closes_at > now + LONGEST:
                raise InvalidInput("survey.closes", "too_late", days=LONGEST.days)
            branches = (await s.execute(select(Branch).where(Branch.status == BranchStatus.ACTIVE)
                                        .order_by(Branch.id))).scalars().all()
            if not branches:
                raise Conflict("no_branches")
            for branch in branches:
                for question in questions:
                    bad = check_options(parts.scale_options(self._translator.lang(branch.locale), question.scale))
                    if bad is not None:
                        raise InvalidInput(f"survey.{bad.field}", bad.problem, index=bad.index, limit=bad.limit)
            survey = Survey(title=title, period=period, opens_at=now, closes_at=closes_at, created_by=actor,
                            state=SurveyState.OPEN)
            s.add(survey)
            await s.flush()
            rows = [SurveyQuestion(survey_id=survey.id, position=i, text=text, scale=q.scale)
                    for i, (text, q) in enumerate(zip(texts, questions, strict=True), start=1)]
            s.add_all(rows)
            await s.flush()
            items: list[OutboxItem] = []
            for branch in branches:
                items += await self._branch_items(s, survey, rows, branch, now)
            await outbox.enqueue(s, items)
            self._access.record(s, who, Action.RUN_SURVEY, None,
                                {"survey": survey.id, "branches": len(branches), "questions": len(rows)})
            return _view(survey, len(rows), len(branches))

    async def _branch_items(self, s: AsyncSession, survey: Survey, questions: Sequence[SurveyQuestion],
                            branch: Branch, now: datetime) -> list[OutboxItem]:
        t = self._translator.lang(branch.locale)
        expected = await active_roster(s, branch.id)
        polls = [SurveyPoll(survey_id=survey.id, question_id=q.id, branch_id=branch.id, chat_id=branch.chat_id,
                            expected=expected) for q in questions]
        s.add_all(polls)
        await s.flush()
        key, group = parts.keys(survey.id, branch.id, 0)
        intro = parts.intro(t, survey.title, survey.period, len(questions), survey.closes_at, branch.timezone)
        # Nothing goes out after the close: a poll sent then could no longer be answered in time.
        items = [OutboxItem.of(key, branch.chat_id, "survey", intro, now, group, 0, survey.closes_at, branch.id)]
        for question, row in zip(questions, polls, strict=True):
            key, group = parts.keys(survey.id, branch.id, question.position)
            items.append(OutboxItem.of(key, branch.chat_id, "survey", parts.poll(t, question.text, question.scale,
                                                                                 row.id),
                                       now, group, question.position, survey.closes_at, branch.id))
        return items

    async def surveys(self, actor: int) -> list[SurveyView]:
        """Surveys newest first: all of them for an admin, those sent to their branches for a secretary."""
        async with self._db.transaction() as s:
            who = await self._access.require(s, actor, Action.VIEW_SURVEY)
            polls = select(SurveyPoll.survey_id, func.count(func.distinct(SurveyPoll.branch_id)).label("n")) \
                .group_by(SurveyPoll.survey_id)
            if not who.is_admin:
                polls = polls.where(SurveyPoll.branch_id.in_(who.secretary_of))
            counted = polls.subquery()
            asked = select(SurveyQuestion.survey_id, func.count().label("q")).group_by(SurveyQuestion.survey_id) \
                .subquery()
            rows = (await s.execute(
                select(Survey, counted.c.n, asked.c.q).join(counted, counted.c.survey_id == Survey.id)
                .join(asked, asked.c.survey_id == Survey.id).order_by(Survey.id.desc())
            )).all()
            return [_view(survey, int(q), int(n)) for survey, n, q in rows]

    async def latest(self, actor: int) -> int:
        """The id of the newest survey the actor may see; NotFound when there is none."""
        views = await self.surveys(actor)
        if not views:
            raise NotFound("survey", None)
        return views[0].id
