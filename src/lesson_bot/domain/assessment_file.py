"""Reading an assessment rules file (YAML; the shipped src/lesson_bot/assessment_default.yaml documents every key).

Pure: takes the text. Errors name the source and line, from the YAML node marks:
`assessment.yaml:12: scorecard.dimensions.quiz.weight: expected a number from 0 to 1000`.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from lesson_bot.domain import scoring
from lesson_bot.domain.assessment import AssessmentRules, Caps, Computed, Dimension, Thresholds

POINTS = {"lesson_on_time": "on_time_checkin", "lesson_makeup": "makeup_checkin", "right_answer": "right_answer",
          "meeting_attended": "attended", "meeting_late": "late", "meeting_excused": "excused",
          "meeting_absent": "absent", "meeting_makeup": "meeting_makeup"}
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


class AssessmentError(ValueError):
    """A rules file that cannot be used: where (source:line) and what is wrong."""

    def __init__(self, source: str, line: int, where: str, problem: str) -> None:
        super().__init__(f"{source}:{line}: {where}: {problem}" if where else f"{source}:{line}: {problem}")
        self.source, self.line, self.where, self.problem = source, line, where, problem


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, node: yaml.Node, where: str, problem: str) -> AssessmentError:
        return AssessmentError(self.source, node.start_mark.line + 1, where, problem)

    def mapping(self, node: yaml.Node, where: str, known: tuple[str, ...] | None = None) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, where, "expected a mapping of names to values")
        result: dict[str, yaml.Node] = {}
        for key_node, value in node.value:
            key = str(key_node.value)
            path = f"{where}.{key}".lstrip(".")
            if key in result:
                raise self.fail(key_node, path, "given twice")
            if known is not None and key not in known:
                raise self.fail(key_node, path, f"unknown key; expected one of {', '.join(known)}")
            result[key] = value
        return result

    def scalar(self, node: yaml.Node, where: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, where, "expected a single value")
        text = str(node.value).strip()
        return None if node.tag.endswith(":null") or text in {"", "~", "null"} else text

    def number(self, node: yaml.Node, where: str, low: float, high: float, *, whole: bool = False,
               optional: bool = False) -> Any:
        text = self.scalar(node, where)
        if text is None and optional:
            return None
        kind = "a whole number" if whole else "a number"
        try:
            value: float = int(text or "") if whole else float(text or "")
        except ValueError:
            raise self.fail(node, where, f"expected {kind} from {low:g} to {high:g}") from None
        if not low <= value <= high:
            raise self.fail(node, where, f"expected {kind} from {low:g} to {high:g}")
        return value

    def boolean(self, node: yaml.Node, where: str) -> bool:
        text = (self.scalar(node, where) or "").lower()
        if text not in {"true", "false", "yes", "no"}:
            raise self.fail(node, where, "expected true or false")
        return text in {"true", "yes"}


def load_rules(text: str, source: str = "assessment rules") -> AssessmentRules:
    """The rules a file states (defaults for what it leaves out); AssessmentError at the first problem."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise AssessmentError(source, (mark.line + 1) if mark else 1, "", "not valid YAML") from None
    if root is None:
        return AssessmentRules()
    r = _Reader(source)
    top = r.mapping(root, "", ("points", "caps", "member_ranking", "scorecard", "thresholds"))
    default = AssessmentRules()
    points = default.points
    if "points" in top:
        values = {POINTS[k]: r.number(v, f"points.{k}", 0, 100, whole=True)
                  for k, v in r.mapping(top["points"], "points", tuple(POINTS)).items()}
        points = scoring.ScoringRules(**values)
    caps = default.caps
    if "caps" in top:
        caps = Caps(**{k: r.number(v, f"caps.{k}", 0, 100_000, whole=True, optional=True)
                       for k, v in r.mapping(top["caps"], "caps", ("lessons", "quiz", "meetings")).items()})
    ranking = r.boolean(top["member_ranking"], "member_ranking") if "member_ranking" in top else False
    credit, dimensions = default.makeup_credit, default.dimensions
    if "scorecard" in top:
        card = r.mapping(top["scorecard"], "scorecard", ("lesson_makeup_credit", "dimensions"))
        if "lesson_makeup_credit" in card:
            credit = r.number(card["lesson_makeup_credit"], "scorecard.lesson_makeup_credit", 0, 1)
        if "dimensions" in card:
            dimensions = _dimensions(r, card["dimensions"])
    thresholds = default.thresholds
    if "thresholds" in top:
        found = r.mapping(top["thresholds"], "thresholds",
                          ("branch_score_below", "member_points_below", "member_lesson_rate_below"))
        limits = {"branch_score_below": (100, False), "member_points_below": (100_000, True),
                  "member_lesson_rate_below": (1, False)}
        thresholds = Thresholds(**{k: r.number(v, f"thresholds.{k}", 0, limits[k][0], whole=limits[k][1],
                                               optional=True) for k, v in found.items()})
    return AssessmentRules(points, caps, float(credit), dimensions, thresholds, ranking)


def _dimensions(r: _Reader, node: yaml.Node) -> tuple[Dimension, ...]:
    result = []
    computed = {str(c) for c in Computed}
    for key, value in r.mapping(node, "scorecard.dimensions").items():
        where = f"scorecard.dimensions.{key}"
        if not KEY_RE.match(key):
            raise r.fail(value, where, "a dimension key is lowercase letters, digits and _ (at most 32)")
        fields = r.mapping(value, where, ("name", "weight", "manual"))
        manual = r.boolean(fields["manual"], f"{where}.manual") if "manual" in fields else False
        if not manual and key not in computed:
            raise r.fail(value, where, f"not a computed dimension ({', '.join(sorted(computed))}); "
                                       "add `manual: true` for a score entered by an admin")
        if manual and key in computed:
            raise r.fail(value, where, "a computed dimension cannot be manual; choose another key")
        if "weight" not in fields:
            raise r.fail(value, where, "weight is missing")
        weight = r.number(fields["weight"], f"{where}.weight", 0, 1000)
        name = r.scalar(fields["name"], f"{where}.name") if "name" in fields else None
        result.append(Dimension(key, name or key, float(weight), manual))
    if not result or not any(d.weight > 0 for d in result):
        raise r.fail(node, "scorecard.dimensions", "at least one dimension with a weight above 0 is needed")
    return tuple(result)
