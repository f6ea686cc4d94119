"""The report's pause of the cyclic garbage collector (services/reports/collector.py) nests and restores the state
it found."""

from __future__ import annotations

import gc

from lesson_bot.services.reports.collector import collector_paused


def test_pauses_nest_and_the_collector_comes_back_after_the_last() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer report is still being built
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_comes_back_when_the_report_fails() -> None:
    try:
        with collector_paused():
            raise ValueError("a report that failed")
    except ValueError:
        pass
    assert gc.isenabled()
