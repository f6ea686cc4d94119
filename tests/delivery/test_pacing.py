"""Adaptive pacing: the AIMD controller on its own (time as input), and a fan-out against the sandbox's flood model
whose real budget is below the configured one."""

from __future__ import annotations

import pytest

from lesson_bot.delivery.pacing import AdaptiveRate, PacingConfig
from lesson_bot.delivery.ratelimit import DeliveryLimiter, Limits
from tests.support.clock import ManualClock
from tests.support.pacing_sim import FanOut
from tgsandbox.limits import FloodConfig, FloodLimiter


def test_a_429_cuts_the_rate_once_per_pace_and_never_below_the_floor() -> None:
    """A 429 cuts the rate to 0.8 of itself; 429s to requests sent before that cut change nothing; the floor holds."""
    pace = AdaptiveRate(PacingConfig(decrease=0.8, floor=0.5))
    assert pace.throttled(10.0, cuts_at_send=0) is True
    assert pace.fraction == pytest.approx(0.8)
    assert pace.throttled(10.2, cuts_at_send=0) is False  # left before the cut: the same overshoot
    assert pace.fraction == pytest.approx(0.8)
    assert pace.throttled(11.0, cuts_at_send=1) is True
    assert pace.fraction == pytest.approx(0.64)
    assert pace.throttled(12.0, cuts_at_send=2) is True
    assert pace.fraction == pytest.approx(0.512)
    assert pace.throttled(13.0, cuts_at_send=3) is True
    assert pace.fraction == pytest.approx(0.5)


def test_the_rate_probes_back_up_slowly_after_a_quiet_period_and_only_while_sending() -> None:
    """After a cut nothing changes for quiet_s; then each step_s with sends adds `increase`, up to the full rate;
    time without sends raises nothing."""
    pace = AdaptiveRate(PacingConfig(decrease=0.8, increase=0.05, quiet_s=10, step_s=2))
    pace.throttled(0.0, cuts_at_send=0)
    assert not any(pace.sent(t / 10) for t in range(100))  # the quiet period
    assert pace.fraction == pytest.approx(0.8)
    assert pace.sent(10.0) is True
    assert pace.fraction == pytest.approx(0.85)
    assert pace.sent(11.0) is False  # within the step
    raised = [t for t in range(12, 40) if pace.sent(float(t))]
    assert raised == [12, 14, 16]  # 0.90, 0.95, then 1.0, where it stops
    assert pace.fraction == 1.0


def test_time_scale_shortens_the_quiet_period() -> None:
    """At time scale 20 the quiet period of 10 s lasts 0.5 s of the scaled clock."""
    pace = AdaptiveRate(PacingConfig(quiet_s=10, step_s=2), time_scale=20)
    pace.throttled(0.0, cuts_at_send=0)
    assert pace.sent(0.49) is False
    assert pace.sent(0.5) is True


def test_a_cut_rebooks_slots_booked_at_the_old_pace() -> None:
    """A slot booked before a cut is booked again, later, at the new pace; one booked after it stands."""
    clock = ManualClock(0.0)
    limiter = DeliveryLimiter(Limits(), clock=clock)
    limiter.drained()
    for chat in range(1, 31):
        limiter.reserve(chat, False)
    before = limiter.ready_in(99, False)
    limiter.throttled(cuts_at_send=0)
    assert limiter.rebook(99, False) is None  # no booking to move
    moved = limiter.rebook(30, False)
    assert moved is not None and moved < before  # the bookings at the old pace no longer hold the calendar
    assert limiter.rebook(30, False) is None
    assert limiter.ready_in(99, False) == pytest.approx(moved + 1 / (30 * 0.8))


def test_a_drained_limiter_starts_without_a_burst() -> None:
    """A fresh limiter lets a burst go at once (Telegram's bucket is full); told the bucket was drained (a new
    leader after the old one), it sends the first message now and the next ones one interval apart."""
    clock = ManualClock(0.0)
    full = DeliveryLimiter(Limits(), clock=clock)
    assert [full.reserve(chat, False) for chat in range(1, 11)] == [0.0] * 10
    drained = DeliveryLimiter(Limits(), clock=clock)
    drained.drained()
    delays = [drained.reserve(chat, False) for chat in range(1, 11)]
    assert delays == pytest.approx([k / 30 for k in range(10)])


@pytest.mark.parametrize("real_rate", [27.0, 20.0, 15.0])
def test_below_the_configured_budget_the_429_share_stays_under_one_percent(real_rate: float) -> None:
    """A 4,000-message fan-out against a sandbox allowing less than the configured 30/s draws under 1 % of 429s
    and still achieves at least 90 % of the real budget."""
    fan_out = FanOut(real_rate).run()
    assert len(fan_out.accepted) == 4000
    assert fan_out.share_429 < 0.01
    assert fan_out.rate >= 0.9 * real_rate


def test_at_the_configured_budget_pacing_changes_nothing() -> None:
    """At the budget the limiter is configured for, no 429 comes, the pace stays full and so does the rate."""
    fan_out = FanOut(30.0).run()
    assert fan_out.refused == 0
    assert fan_out.rate >= 0.99 * 30


def test_a_send_late_by_less_than_the_jitter_reserve_keeps_its_slot() -> None:
    """Waking a little late (here 0.1 s, under the 0.2 s reserve) is ordinary: the booking stands."""
    clock = ManualClock(0.0)
    limiter = DeliveryLimiter(Limits(), clock=clock)
    delay = limiter.reserve(1, False)
    clock.now = delay + 0.1
    assert limiter.rebook(1, False) is None
    assert limiter.stalls == 0


def test_after_a_stall_what_fell_due_meanwhile_is_paced_and_telegram_refuses_none_of_it() -> None:
    """Three seconds of sends are booked (a burst, then 30/s), then the process stalls for 1.5 s. Sent as
    booked, everything due by then would reach Telegram at once and its bucket (one second's worth) would refuse
    some; booked again (the first late send goes now, the rest one interval apart), the sandbox's own flood rules
    accept every one."""
    clock = ManualClock(0.0)
    limiter = DeliveryLimiter(Limits(), clock=clock)
    flood = FloodLimiter(FloodConfig(), clock=clock)
    chats = range(1, 91)
    booked = {chat: limiter.reserve(chat, False) for chat in chats}
    clock.now = 1.5
    due = [chat for chat in chats if booked[chat] <= 1.5]
    assert len(due) > 30
    naive = FloodLimiter(FloodConfig(), clock=clock)
    assert sum(naive.check(chat, False) is not None for chat in due) > 0  # all at once: refused in part

    again = {chat: limiter.rebook(chat, False) for chat in due}
    assert limiter.stalls == 1
    waits = sorted(delay or 0.0 for delay in again.values())
    assert waits == pytest.approx([k / 30 for k in range(len(due))])
    refused = []
    for chat, delay in sorted(again.items(), key=lambda item: item[1] or 0.0):
        clock.now = 1.5 + (delay or 0.0)
        refused += [chat] if flood.check(chat, False) is not None else []
    assert refused == []
