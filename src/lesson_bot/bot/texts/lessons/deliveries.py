"""Texts of the delivery ledger."""

from __future__ import annotations

from html import escape
from zoneinfo import ZoneInfo

from lesson_bot.i18n import Lang
from lesson_bot.services.lessons.deliveries import Ledger, LedgerLine


def _status(t: Lang, status: str) -> str:
    names = {
        "sent": t._("sent"), "pending": t._("waiting"), "claimed": t._("sending"), "failed": t._("failed"),
        "missed": t._("missed"), "cancelled": t._("cancelled"),
    }
    return names.get(status, escape(status))


def _line(t: Lang, line: LedgerLine, zone: ZoneInfo) -> str:
    when = line.due_at.astimezone(zone).strftime("%m-%d %H:%M")
    detail = f" — {escape(line.detail[:120])}" if line.detail else ""
    if line.ambiguous:
        detail += " — " + t._("may have arrived twice: {count} send(s) got no answer after leaving",
                              count=line.ambiguous)
    return f"• {when} {escape(line.kind)}: {_status(t, line.status)}{detail}"


def ledger(t: Lang, view: Ledger, days: int) -> str:
    """What was sent, deferred, retried, failed or missed for the branch over the period."""
    zone = ZoneInfo(view.branch.timezone)
    o = view.outcomes
    lines = [
        t._("<b>Deliveries of {title}</b>, last {days} days", title=escape(view.branch.title), days=days),
        t._("sent {sent} · deferred {deferred} · retried {retried} · failed {failed} · missed {missed} · "
            "waiting {waiting}", sent=o.get("sent", 0), deferred=o.get("deferred", 0), retried=o.get("retried", 0),
            failed=o.get("failed", 0), missed=o.get("missed", 0), waiting=view.waiting),
    ]
    if view.ambiguous:
        lines.append(t._("{count} send(s) got no answer after leaving: Telegram may have delivered them, so a "
                         "message may have arrived twice (marked below)", count=view.ambiguous))
    if view.problems:
        lines += ["", t._("<b>Problems</b>")] + [_line(t, line, zone) for line in view.problems]
    if view.recent:
        lines += ["", t._("<b>Latest</b>")] + [_line(t, line, zone) for line in view.recent]
    else:
        lines.append(t._("Nothing was scheduled in this period."))
    return "\n".join(lines)
