"""Survey results as plain values, per branch and for the organization, for Telegram, the CLI, the reports and the
dashboard. Only counts exist to show: the bot never learned who voted what.

Figures (docs/surveys.md):
- a question's `votes` is the sum of its options' counts in the tallied polls; `expected` the active roster when
  the survey opened. Telegram counts every voter in the group, on the roster or not, so votes may exceed expected:
  both are shown, and `rate` caps each branch's votes at its expected before dividing;
- a branch's `votes` is its most answered question's (at least that many people took part);
- the satisfaction index is the vote-weighted mean of the options' weights (domain/surveys.py), per question and
  over all the questions' votes together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from lesson_bot.db.models import Branch, Survey, SurveyPoll, SurveyQuestion
from lesson_bot.db.uow import Database
from lesson_bot.domain.permissions import Action
from lesson_bot.domain.surveys import (
    Scale,
    SurveyState,
    option_count,
    pooled_index,
    response_rate,
    satisfaction_index,
)
from lesson_bot.services.access import AccessControl
from lesson_bot.services.errors import NotFound
from lesson_bot.services.surveys.opening import SurveyView


@dataclass(frozen=True)
class QuestionResult:
    position: int
    text: str
    scale: Scale
    counts: tuple[int, ...]  # voters per option, best first
    votes: int
    expected: int
    rate: float | None  # capped at 1 per branch; None when nobody was expected
    index: float | None  # 0-100; None without votes
    polls: int  # polls this figure covers (one per branch)
    tallied: int  # of which stopped with their counts read (the rest were not sent, or their stop failed)


@dataclass(frozen=True)
class AreaResult:
    """One branch (branch_id set) or the whole organization (branch_id None)."""

    branch_id: int | None
    title: str
    expected: int
    votes: int  # the most answered question's votes
    rate: float | None
    index: float | None
    questions: tuple[QuestionResult, ...]


@dataclass(frozen=True)
class SurveyResults:
    survey: SurveyView
    tallied: bool  # closed and every sent poll's counts read
    branches: tuple[AreaResult, ...]
    organization: AreaResult | None  # admins only


@dataclass(frozen=True)
class _Poll:
    question: SurveyQuestion
    branch_id: int
    expected: int
    counts: tuple[int, ...] | None
    sent: bool


def _question(question: SurveyQuestion, polls: Sequence[_Poll]) -> QuestionResult:
    size = option_count(question.scale)
    counts = [0] * size
    capped = 0
    for poll in polls:
        if poll.counts is not None:
            for index, count in enumerate(poll.counts[:size]):
                counts[index] += count
            capped += min(sum(poll.counts[:size]), poll.expected)
    votes = sum(counts)
    expected = sum(poll.expected for poll in polls)
    rate = None if expected <= 0 else capped / expected
    return QuestionResult(question.position, question.text, question.scale, tuple(counts), votes, expected, rate,
                          satisfaction_index(question.scale, counts), len(polls),
                          sum(poll.counts is not None for poll in polls))


def _area(branch_id: int | None, title: str, questions: Sequence[SurveyQuestion], polls: Sequence[_Poll],
          expected: int) -> AreaResult:
    by_question = defaultdict(list)
    for poll in polls:
        by_question[poll.question.id].append(poll)
    results = tuple(_question(q, by_question[q.id]) for q in questions)
    votes = max((r.votes for r in results), default=0)
    rate = response_rate(votes, expected) if branch_id is not None else \
        max((r.rate for r in results if r.rate is not None), default=None)
    return AreaResult(branch_id, title, expected, votes, rate, pooled_index([(r.scale, r.counts) for r in results]),
                      results)


class SurveyResultsService:
    """Results of a survey: an admin sees every branch and the organization, a secretary only their branches."""

    def __init__(self, db: Database, access: AccessControl) -> None:
        self._db = db
        self._access = access

    async def results(self, actor: int, survey_id: int) -> SurveyResults:
        """The survey's figures as the actor may see them; NotFound if it does not exist or is none of theirs."""
        async with self._db.transaction() as s:
            who = await self._access.require(s, actor, Action.VIEW_SURVEY)
            survey = await s.get(Survey, survey_id)
            if survey is None:
                raise NotFound("survey", survey_id)
            questions = (await s.execute(select(SurveyQuestion).where(SurveyQuestion.survey_id == survey_id)
                                         .order_by(SurveyQuestion.position))).scalars().all()
            by_id = {q.id: q for q in questions}
            query = select(SurveyPoll, Branch.title).join(Branch, Branch.id == SurveyPoll.branch_id) \
                .where(SurveyPoll.survey_id == survey_id).order_by(SurveyPoll.branch_id)
            if not who.is_admin:
                query = query.where(SurveyPoll.branch_id.in_(who.secretary_of))
            rows = (await s.execute(query)).all()
            if not rows and not who.is_admin:
                raise NotFound("survey", survey_id)
            polls: dict[int, list[_Poll]] = defaultdict(list)
            titles: dict[int, str] = {}
            expected: dict[int, int] = {}
            for row, title in rows:
                counts = None if row.counts is None else tuple(int(c) for c in row.counts)
                polls[row.branch_id].append(_Poll(by_id[row.question_id], row.branch_id, row.expected, counts,
                                                  row.message_id is not None))
                titles[row.branch_id], expected[row.branch_id] = title, row.expected
            branches = tuple(_area(b, titles[b], questions, polls[b], expected[b]) for b in sorted(polls))
            everyone = [poll for branch in polls.values() for poll in branch]
            organization = _area(None, "", questions, everyone, sum(expected.values())) if who.is_admin else None
            sent = [p for p in everyone if p.sent]
            tallied = survey.state is SurveyState.CLOSED and all(p.counts is not None for p in sent)
            view = SurveyView(survey.id, survey.title, survey.period, survey.opens_at, survey.closes_at, survey.state,
                              len(questions), len(polls))
            return SurveyResults(view, tallied, branches, organization)
