"""/me computed with other scoring weights than the defaults: the points and the footer's key both follow them."""

from __future__ import annotations

from lesson_bot.bot.texts.lessons.progress import my_record
from lesson_bot.domain.scoring import ScoringRules
from lesson_bot.i18n import Translator
from lesson_bot.services.lessons.progress import ProgressService
from tests.support.progress import BOB, scenario
from tests.support.services import Services
from tgrules.html import parse_html

RULES = ScoringRules(on_time_checkin=5, makeup_checkin=4, right_answer=7, attended=10, late=6, absent=-2,
                     meeting_makeup=8)


async def test_me_says_what_the_configured_rules_make_each_thing_worth(services: Services) -> None:
    """Bob (1 lesson on time, 2 first answers right, late at the meeting) has 5 + 14 + 6 = 25 points under these
    rules, and the footer of his /me gives the same weights."""
    await scenario(services)
    bob = await ProgressService(services.db, services.clock, services.access, RULES).me(BOB.telegram_user_id)
    lines = parse_html(my_record(Translator().lang("en"), bob)).text.splitlines()
    assert "Points: 25 (lessons 5 + quiz 14 + meetings 6)" in lines, lines
    assert lines[-2:] == ["Points: lesson on time 5, make-up 4; right first answer 7; meeting attended 10, late 6, "
                          "made up 8.", "A meeting missed on leave counts 0, one missed without leave -2."]
