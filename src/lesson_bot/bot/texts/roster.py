"""Texts of the roster, its CSV import, secretaries and the branch list."""

from __future__ import annotations

from html import escape

from lesson_bot.domain.enums import BranchStatus, MembershipStatus, PartyStatus, Role
from lesson_bot.i18n import Lang
from lesson_bot.services.views import BranchView, ImportProblem, ImportReport, RosterEntry, RosterView


def _who(entry: RosterEntry) -> str:
    name = escape(entry.name)
    if entry.telegram_user_id is not None:
        name = f'<a href="tg://user?id={entry.telegram_user_id}">{name}</a>'
    return name + (f" (@{escape(entry.username)})" if entry.username else "")


def _tags(t: Lang, entry: RosterEntry) -> str:
    tags = []
    if entry.role is Role.SECRETARY:
        tags.append(t._("secretary"))
    if entry.party_status is PartyStatus.PROBATIONARY:
        tags.append(t._("probationary"))
    if entry.is_committee:
        tags.append(t._("committee"))
    if entry.party_group:
        tags.append(escape(entry.party_group))
    return f" [{', '.join(tags)}]" if tags else ""


def roster(t: Lang, view: RosterView, join_link: str) -> str:
    """The roster: active members with their tags, who cannot be reached in private, and who left."""
    lines = [t._("<b>Roster of {title}</b>: {n} members", title=escape(view.branch.title), n=len(view.active))]
    lines += [f"{i}. {_who(e)}{_tags(t, e)}" for i, e in enumerate(view.active, start=1)]
    if view.not_started:
        lines.append("")
        lines.append(
            t.ngettext(
                "{n} member has not started me in private, so I cannot send them reminders there:",
                "{n} members have not started me in private, so I cannot send them reminders there:",
                len(view.not_started),
            )
        )
        lines.append("、".join(_who(e) for e in view.not_started))
        lines.append(t._("Ask them to open this link once: {link}", link=join_link))
    left = [e for e in view.entries if e.status is MembershipStatus.LEFT]
    if left:
        lines.append("")
        lines.append(t._("Left the group: {names}", names="、".join(escape(e.name) for e in left)))
    return "\n".join(lines)


def _problem(t: Lang, p: ImportProblem) -> str:
    match p.problem:
        case "encoding":
            text = t._("the file is neither UTF-8 nor GB18030 text; save it as “CSV UTF-8”")
        case "empty":
            text = t._("empty")
        case "missing_column":
            text = t._("column missing from the header row")
        case "too_many_rows":
            text = t._("too many rows (at most 5000)")
        case "too_long":
            text = t._("too long")
        case "control_characters":
            text = t._("contains control characters (such as a NUL byte); remove them and send the file again")
        case "bad_handle":
            text = t._("“{value}” is not a numeric Telegram user id or an @username", value=escape(p.value))
        case "unknown":
            text = t._("“{value}” is not a known value", value=escape(p.value))
        case "duplicate":
            text = t._("the same person is already on line {value}", value=escape(p.value))
        case "only_admin_can_demote":
            text = t._("only an admin can turn a secretary into a member")
        case _:
            text = escape(p.problem)
    return t._("line {line}, {field}: {problem}", line=p.line, field=_field(t, p.field), problem=text)


def _field(t: Lang, field: str) -> str:
    names = {
        "file": t._("file"),
        "name": t._("name"),
        "telegram": t._("Telegram"),
        "role": t._("role"),
        "status": t._("status"),
        "party_group": t._("party group"),
        "committee": t._("committee"),
    }
    return names.get(field, escape(field))


def import_report(t: Lang, report: ImportReport) -> str:
    lines = [
        t._(
            "<b>Roster import for {title}</b>: {added} added, {updated} updated, {unchanged} unchanged.",
            title=escape(report.branch_title),
            added=report.added,
            updated=report.updated,
            unchanged=report.unchanged,
        )
    ]
    if report.problems:
        lines.append(
            t.ngettext(
                "{n} line was not imported:", "{n} lines were not imported:", len({p.line for p in report.problems})
            )
        )
        lines += [_problem(t, p) for p in report.problems[:50]]
        if len(report.problems) > 50:
            lines.append(t._("… and {n} more.", n=len(report.problems) - 50))
        lines.append(
            t._(
                "The other lines were imported. Fix these lines and send the file again: "
                "lines already imported will not be duplicated."
            )
        )
    return "\n".join(lines)


def import_how(t: Lang) -> str:
    return t._(
        "To import a roster, send me a CSV file with a header row: 姓名 (name), Telegram (a numeric user id or "
        "@username), 角色 (党员 / 书记), 状态 (正式 / 预备); optionally 党小组 and 支委 (是 / 否)."
    )


def import_choose_branch(t: Lang) -> str:
    return t._("Which branch is this roster for?")


def choose_branch_roster(t: Lang) -> str:
    return t._("Which branch's roster do you want to see?")


def choose_branch_progress(t: Lang) -> str:
    return t._("Which branch's lesson progress do you want to see?")


def choose_branch_deliveries(t: Lang) -> str:
    return t._("Which branch's deliveries do you want to see?")


def choose_branch_makeups(t: Lang) -> str:
    return t._("Which branch's make-up tasks do you want to see?")


def no_branches_to_manage(t: Lang) -> str:
    return t._("You are not a secretary of any branch.")


def secretary_added(t: Lang, entry: RosterEntry, title: str) -> str:
    return t._("{who} is now a secretary of “{title}”.", who=_who(entry), title=escape(title))


def secretary_removed(t: Lang, entry: RosterEntry, title: str) -> str:
    return t._("{who} is no longer a secretary of “{title}”.", who=_who(entry), title=escape(title))


def secretary_usage(t: Lang) -> str:
    return t._("Name the person: reply to one of their messages with the command, or add @username.")


def branches(t: Lang, views: list[BranchView]) -> str:
    if not views:
        return t._("There are no branches yet.")
    lines = [t._("<b>Branches</b>: {n}", n=len(views))]
    for view in views:
        status = t._("active") if view.status is BranchStatus.ACTIVE else t._("inactive (bot removed)")
        lines.append(
            t._(
                "• <b>{title}</b> — {status}; {members} members; secretary: {secretaries}; {zone}",
                title=escape(view.title),
                status=status,
                members=view.active_members,
                secretaries=escape("、".join(view.secretaries)) or "—",
                zone=escape(view.timezone),
            )
        )
    return "\n".join(lines)


def group_only(t: Lang) -> str:
    return t._("Please use this command in the branch's group.")
