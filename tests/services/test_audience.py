"""The live count's figures (`study_counts`, one query for many deliveries) are /progress's (`expected_members`,
per delivery): the same rule, held to the same answers over rosters that changed and lessons studied every way."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lesson_bot.db.models import LessonDelivery, LessonVersion
from lesson_bot.domain.enums import ParticipationMode
from lesson_bot.services.lessons.audience import StudyCount, expected_members, study_count, study_counts
from lesson_bot.services.lessons.makeup import MakeupService
from lesson_bot.services.participation.recorder import ParticipationRecorder
from tests.services.test_membership_periods import BUTTON, GROUP, before_return
from tests.support.makeup import checked_in, deliver_to_group
from tests.support.progress import BOB, CAROL, DAN, SEC
from tests.support.services import Services


async def test_the_live_count_and_progress_agree_on_every_delivery(services: Services) -> None:
    """Lesson 1 went to Li, Bob, Carol and Dan; Bob and Dan left, lesson 2 went out while they were away; Bob came
    back before lesson 3. Carol studied lesson 1 on time, Bob as 补学 (and lesson 3 on time); Dan tapped lesson 2's
    button while away (which put him back, before lesson 3); lesson 4 is planned, not yet sent. Each delivery's
    figures, asked one by one or all together, are those of the people /progress lists."""
    story = await before_return(services)
    t0 = story.t0
    assert await services.roster.seen(GROUP, BOB)
    recorder = ParticipationRecorder(services.db, services.clock)
    await recorder.record_checkin(story.lesson2, GROUP, DAN)
    lesson3 = await deliver_to_group(services, story.branch_id, "red-zunyi-conference", t0 + timedelta(days=4))
    services.clock.set(t0 + timedelta(days=4, hours=1))
    await recorder.record_checkin(lesson3, GROUP, BOB)
    await recorder.aclose()
    makeup = await MakeupService(services.db, services.clock).start(BOB, story.lesson1, BUTTON)
    await checked_in(services, BOB, makeup.delivery_id, t0 + timedelta(days=4, hours=2))
    async with services.db.transaction() as s:  # a lesson nobody has had yet
        used = select(LessonDelivery.lesson_version_id)
        fresh = (await s.execute(select(LessonVersion.id).where(LessonVersion.id.not_in(used)).limit(1))).scalar_one()
        s.add(LessonDelivery(branch_id=story.branch_id, lesson_version_id=fresh, mode=ParticipationMode.ON_TIME,
                             chat_id=GROUP, member_id=None, message_id=None, delivered_at=None))

    async with services.db.transaction() as s:
        deliveries = list((await s.execute(select(LessonDelivery).where(LessonDelivery.member_id.is_(None))
                                           .order_by(LessonDelivery.id))).scalars())
        one_by_one = {d.id: study_count(await expected_members(s, d)) for d in deliveries}
        together = await study_counts(s, deliveries)
        alone = {d.id: (await study_counts(s, [d]))[d.id] for d in deliveries}
        names = {d.id: sorted(p.name for p in await expected_members(s, d)) for d in deliveries}
    assert len(deliveries) == 4
    assert together == one_by_one == alone
    everyone = sorted(p.full_name for p in (SEC, BOB, CAROL, DAN))
    assert names[story.lesson1] == everyone  # all four were there when it went out (Dan is back on the roster)
    assert together[story.lesson1] == StudyCount(expected=4, on_time=1, makeup=1)  # Carol; Bob's 补学
    assert names[story.lesson2] == sorted([SEC.full_name, CAROL.full_name, DAN.full_name])  # Dan by his tap
    assert together[story.lesson2] == StudyCount(expected=3, on_time=1, makeup=0)
    assert names[lesson3] == everyone
    assert together[lesson3] == StudyCount(expected=4, on_time=1, makeup=0)  # Bob
    assert together[deliveries[-1].id] == StudyCount(expected=0, on_time=0, makeup=0)  # not sent: nobody yet
