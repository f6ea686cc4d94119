"""Fault decisions: per-method rules, seeded reproducibility, rates and counters."""

from __future__ import annotations

import pytest

from tgsandbox.faults import NO_FAULT, FaultDecision, FaultInjector, FaultRule


def actions(injector: FaultInjector, method: str, count: int) -> list[str]:
    return [injector.decide(method).action for _ in range(count)]


def test_without_rules_nothing_happens() -> None:
    """A fresh sandbox answers every call normally and counts no faults."""
    injector = FaultInjector(seed=1)
    assert all(injector.decide("sendMessage") is NO_FAULT for _ in range(100))
    assert sum(injector.counters.values()) == 0


def test_the_same_seed_gives_the_same_faults() -> None:
    """Two runs with one seed fail the same calls, so a failing test can be replayed."""
    rules = [FaultRule(method="sendMessage", error_rate=0.2, drop_rate=0.2, timeout_rate=0.2)]
    first, second = FaultInjector(), FaultInjector()
    first.configure(rules, seed=7)
    second.configure(rules, seed=7)
    assert actions(first, "sendMessage", 200) == actions(second, "sendMessage", 200)


def test_a_different_seed_gives_different_faults() -> None:
    """Changing the seed changes which calls fail."""
    rules = [FaultRule(error_rate=0.5)]
    first, second = FaultInjector(), FaultInjector()
    first.configure(rules, seed=1)
    second.configure(rules, seed=2)
    assert actions(first, "sendMessage", 64) != actions(second, "sendMessage", 64)


def test_reconfiguring_replays_the_sequence_from_the_start() -> None:
    """Setting the same rules and seed again restarts the sequence."""
    injector = FaultInjector()
    rules = [FaultRule(error_rate=0.5)]
    injector.configure(rules, seed=3)
    once = actions(injector, "sendMessage", 50)
    injector.configure(rules, seed=3)
    assert actions(injector, "sendMessage", 50) == once


def test_other_methods_do_not_shift_a_methods_sequence() -> None:
    """Interleaved getUpdates polls do not change which sendMessage calls fail."""
    rules = [FaultRule(error_rate=0.3, drop_rate=0.3)]
    alone, interleaved = FaultInjector(), FaultInjector()
    alone.configure(rules, seed=11)
    interleaved.configure(rules, seed=11)
    expected = actions(alone, "sendMessage", 100)
    got = []
    for index in range(100):
        for _ in range(index % 3):
            interleaved.decide("getUpdates")
        got.append(interleaved.decide("sendMessage").action)
    assert got == expected


def test_a_method_rule_overrides_the_wildcard() -> None:
    """ "*" applies to methods without a rule of their own; an all-zero rule exempts its method."""
    injector = FaultInjector()
    injector.configure([FaultRule(error_rate=1.0), FaultRule(method="getUpdates")])
    assert injector.decide("sendMessage").action == "error"
    assert injector.decide("getUpdates") is NO_FAULT


def test_method_names_match_case_insensitively() -> None:
    """sendmessage and sendMessage are the same method, as in the Bot API."""
    injector = FaultInjector()
    injector.configure([FaultRule(method="sendMessage", drop_rate=1.0)])
    assert injector.decide("sendmessage").action == "drop"
    assert injector.decide("answerCallbackQuery") is NO_FAULT


def test_rates_are_respected_over_many_calls() -> None:
    """With 10% errors, 20% drops and 30% timeouts, a large seeded sample lands near those shares."""
    injector = FaultInjector()
    injector.configure([FaultRule(error_rate=0.1, drop_rate=0.2, timeout_rate=0.3, timeout_s=2.5)], seed=5)
    sample = 20_000
    seen = actions(injector, "sendMessage", sample)
    assert seen.count("error") / sample == pytest.approx(0.1, abs=0.01)
    assert seen.count("drop") / sample == pytest.approx(0.2, abs=0.01)
    assert seen.count("timeout") / sample == pytest.approx(0.3, abs=0.01)
    assert injector.counters == {
        "latency": 0,
        "error": seen.count("error"),
        "drop": seen.count("drop"),
        "timeout": seen.count("timeout"),
    }


def test_timeouts_carry_their_hold_time_and_latency_applies_to_every_call() -> None:
    """A timeout decision says how long to hold the answer; latency is added to each matched call."""
    injector = FaultInjector()
    injector.configure([FaultRule(method="sendMessage", latency_s=0.25, timeout_rate=1.0, timeout_s=4.0)])
    assert injector.decide("sendMessage") == FaultDecision(latency_s=0.25, action="timeout", timeout_s=4.0)
    injector.configure([FaultRule(latency_s=0.5)])
    assert injector.decide("getMe") == FaultDecision(latency_s=0.5)
    assert injector.counters["latency"] == 2
    assert injector.counters["timeout"] == 1


def test_clear_removes_rules_but_keeps_the_tally() -> None:
    """After clear, calls are normal again, and the faults already injected stay counted until reset."""
    injector = FaultInjector()
    injector.configure([FaultRule(error_rate=1.0)])
    injector.decide("sendMessage")
    injector.clear()
    assert injector.decide("sendMessage") is NO_FAULT
    assert injector.counters["error"] == 1
    injector.reset_counters()
    assert injector.counters["error"] == 0


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"error_rate": 1.5}, "error_rate"),
        ({"drop_rate": -0.1}, "drop_rate"),
        ({"latency_s": float("nan")}, "latency_s"),
        ({"timeout_s": "long"}, "timeout_s"),
        ({"error_rate": 0.6, "drop_rate": 0.6}, "must not exceed 1"),
        ({"method": ""}, "method"),
        ({"rate": 0.5}, "rate"),
    ],
)
def test_bad_rules_are_refused_with_a_clear_message(settings: dict[str, object], field: str) -> None:
    """Nonsense from the control API is a ValueError naming the problem."""
    with pytest.raises(ValueError, match=field):
        FaultRule.from_mapping(settings)


def test_two_rules_for_one_method_and_a_bad_seed_are_refused() -> None:
    """Ambiguous rules or a non-integer seed are errors, and the previous rules stay in force."""
    injector = FaultInjector()
    injector.configure([FaultRule(error_rate=1.0)])
    with pytest.raises(ValueError, match="two fault rules"):
        injector.configure([FaultRule(method="getMe"), FaultRule(method="GETME")])
    with pytest.raises(ValueError, match="seed"):
        injector.configure([], seed="x")  # type: ignore[arg-type]
    assert injector.decide("sendMessage").action == "error"
