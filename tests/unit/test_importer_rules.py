"""The importer's pure rules: which lines are clutter, which brackets are pinyin, which runs are damage, and
that front-matter values survive YAML whatever they hold."""

from __future__ import annotations

import pytest
import yaml

from lesson_bot.content.importer.artefacts import damage, simplified_config
from lesson_bot.content.importer.clean import clean, clutter_kind
from lesson_bot.content.importer.shape import Meta, language_of, shape, yaml_text


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("分享到：", "share caption"),
        ("微信 | 微博 | QQ空间", "share caption"),
        ("**长按识别二维码，关注我们**", "follow caption"),
        ("長按識別二維碼", "follow caption"),
        ("抖音二维码", "QR-code caption"),
        ("当前位置：首页 > 党建 > 正文", "navigation"),
        ("上一篇：支部工作动态", "navigation"),
        ("责任编辑：李四", "footer"),
        ("Copyright © 2024 Example News", "footer"),
        ("—— END ——", "footer"),
        ("点击阅读原文", "ad"),
        ("来源：人民网", "byline"),
        ("2024-05-12 10:30 作者：张三", "byline"),
        ("（来源：人民日报）", "byline"),
        ("分享、点赞、在看", "ad"),
        ("知道了", "navigation"),
    ],
)
def test_clutter_lines_are_recognised(line: str, kind: str) -> None:
    """Captions, navigation, footers, ads and bylines are clutter of their kind."""
    assert clutter_kind(line) == kind


@pytest.mark.parametrize(
    "line",
    [
        "党员们用手机扫描二维码签到，然后开始学习。",  # a sentence that mentions a QR code
        "## 分享经验",  # a heading
        "支部书记分享了三点体会：一是学深，二是悟透，三是做实，每一点都结合了支部这一年来的具体工作和党员的真实感受",
        "2024年是支部成立十周年",
        "2023年12月1日",  # a notice's own date, under its signature
        "我们在看望老党员",
    ],
)
def test_article_text_is_not_clutter(line: str) -> None:
    """Sentences, headings and long lines stay even when they hold a clutter word."""
    assert clutter_kind(line) is None


def test_pinyin_goes_and_real_brackets_stay() -> None:
    """經(jīng)驗(yàn) and 经（jing1 yan4） lose the pinyin; （2021年）, (CPC) and （一） stay; each removal is
    reported."""
    cleaned = clean(["經(jīng)驗(yàn)交流（2021年），中共(CPC)党员（一）经验（jing1 yan4）"], "")
    assert cleaned.lines == [(1, "經驗交流（2021年），中共(CPC)党员（一）经验")]
    assert [str(finding) for finding in cleaned.findings] == [
        "article 1:2: removed pinyin annotation: (jīng)",
        "article 1:9: removed pinyin annotation: (yàn)",
        "article 1:38: removed pinyin annotation: （jing1 yan4）",
    ]


def test_damage_is_found_with_its_column_and_real_accents_are_not() -> None:
    """Latin-1 runs, ??, U+FFFD and GBK traces are found; café, 25°C and 《？》 are not."""
    assert damage("café 25°C 你好？") == []
    assert damage("中ÖÐ¹ú国??的\ufffd锛") == [
        (2, "mojibake (Chinese text read as Latin-1)", "ÖÐ¹ú"),
        (7, "question-mark run (characters lost in a conversion)", "??"),
        (10, "replacement characters (bytes that could not be decoded)", "\ufffd"),
        (11, "mojibake (UTF-8 read as GBK or Latin-1)", "锛"),
    ]


@pytest.mark.parametrize(
    "value",
    ["三会一课：组织生活", "a: b", "#1 lesson", "[draft]", "'quoted'", "true", "null", "- item", "2024-05-12",
     '《书》"引语"', "(to be written) a question", "x \\ y"],
)
def test_front_matter_values_read_back_as_written(value: str) -> None:
    """A value is written plain when YAML reads it back unchanged, else quoted."""
    assert yaml.safe_load(f"key: {yaml_text(value)}") == {"key": value}


def test_language_and_converter_choice() -> None:
    """Chinese text is zh-Hans, English en; Taiwan's and Hong Kong's pages get their phrase tables."""
    assert language_of(["支部学习 Party branch"]) == "zh-Hans"
    assert language_of(["The branch meets monthly (每月)."]) == "en"
    assert simplified_config("zh-TW", "") == "tw2sp.json"
    assert simplified_config("", "https://news.example.tw/a") == "tw2sp.json"
    assert simplified_config("zh-HK", "") == "hk2s.json"
    assert simplified_config("zh-Hant", "https://example.org") == "t2s.json"


def test_a_notice_is_headed_by_its_bold_lines_and_summarised_by_its_first_sentence() -> None:
    """Bold lines alone head sections; the summary skips the salutation; the notice's date and signature stay."""
    lines = ["各区县委组织部：", "为学习贯彻党的二十大精神，决定开展2023年度党员冬训工作。现将有关事项通知如下。",
             "**一、时间安排**", "冬训时间为2023年12月至2024年2月。", "中共某某市委组织部", "2023年12月1日"]
    draft = shape(Meta("import-notice", "关于开展党员冬训工作的通知", "冬训", "zh-Hans", "", "2023-12-01"), lines)
    assert "summary: 为学习贯彻党的二十大精神，决定开展2023年度党员冬训工作。\n" in draft.text
    assert "source: 《关于开展党员冬训工作的通知》（2023年12月1日）\n" in draft.text
    assert draft.text.split("\n---\n", 1)[1] == "\n\n".join(lines) + "\n"
    assert (len(draft.kept), draft.paragraphs, draft.minutes) == (5, 5, 1)


def test_a_table_becomes_list_items() -> None:
    """Telegram shows no tables: each row becomes a list item, the rule row goes, both reported."""
    cleaned = clean(["| 会议 | 频次 |", "|---|---|", "| 支部委员会 | 每月一次 |"], "")
    assert cleaned.lines == [(1, "- 会议；频次"), (3, "- 支部委员会；每月一次")]
    assert [f"{finding.line} {finding.action} {finding.kind}" for finding in cleaned.findings] == [
        "1 converted table row to a list item (Telegram shows no tables)",
        "2 removed table rule",
        "3 converted table row to a list item (Telegram shows no tables)",
    ]
