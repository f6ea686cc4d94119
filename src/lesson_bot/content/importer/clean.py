"""Clean an article's main text line by line: clutter lines and pinyin annotations removed, tables flattened,
damaged runs flagged. Each change is a Finding at the line and column of the extracted text.

A clutter line is short (at most 60 characters), is not a sentence (no 。) and matches one of the patterns
below: share and follow captions, QR-code captions, navigation, footers and editors' names, ads, bylines.
Lines are matched in Simplified characters (長按識別二維碼 too).
Headings are never clutter. A paragraph that mentions 二维码 inside a sentence stays.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lesson_bot.content.importer.artefacts import PINYIN, converter, damage
from lesson_bot.content.importer.errors import Finding

CLUTTER_MAX = 60
_PLATFORMS = r"(?:微信|微博|QQ空间|QQ好友|QQ|朋友圈|抖音|快手|今日头条|人民号|Facebook|Twitter|WeChat|Weibo|LinkedIn)"
CLUTTER: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("share caption", rf"^(?:分享到|分享至|分享[:：]|一键分享|转发到|转发至|share\b|tweet\b)"
                          rf"|^{_PLATFORMS}(?:[\s|｜/、,，]*{_PLATFORMS})+$"),
        ("follow caption", r"扫码关注|扫一扫关注|长按(?:识别|二维码|关注)|关注(?:我们|本号|公众号|微信公众号|微信号)"
                           r"|点击(?:上方)?(?:蓝字)?关注|欢迎关注|follow us|subscribe"),
        ("QR-code caption", r"二维码|扫一扫|扫码|qr code"),
        ("navigation", r"^(?:首页|当前位置|您的位置|你的位置|返回(?:顶部|首页|列表)|上一篇|下一篇|上一条|下一条"
                       r"|相关(?:阅读|新闻|文章|链接|推荐)|推荐阅读|延伸阅读|热点推荐|打印(?:本页|此文)?|关闭(?:窗口|本页)"
                       r"|【?\s*字[体号][:：]|home\b|previous\b|next\b|related\b|read more\b)|\s[>›»]\s"
                       # the buttons of a WeChat article page, each alone on its line
                       r"|^(?:知道了|取消|允许|赞|分享|留言|收藏|听过|视频|小程序|继续滑动看下一个|向上滑动看下一个"
                       r"|预览时标签不可点|微信扫一扫可打开此内容.*)$"),
        ("footer", r"版权所有|copyright|©|ICP备|公网安备|主办单位|承办单位|联系我们|网站地图|技术支持"
                   r"|all rights reserved"
                   r"|^(?:责任编辑|编辑|审核|校对|终审|监制|出品|撰稿|摄影|图片|供稿)\s*[:：]"
                   r"|^[-—=*·|\s]*(?:end|完|the end)?[-—=*·|\s]*$"),
        ("ad", r"^(?:广告|推广|赞助|advertisement|sponsored)\b|阅读原文|^(?:点个?赞|赞赏|喜欢此内容的人还喜欢)"
               r"|(?:分享|点赞|在看|转发)[，,、|\s]*(?:点赞|在看|转发|分享)"),
        ("byline", r"^[（(]?\s*(?:本文)?(?:来源|作者|作者单位|原标题|发布时间|发布日期|发布|时间|日期|浏览(?:次数)?"
                   r"|阅读(?:量|次数)?"
                   r"|点击(?:量|数)?)\s*[:：]"
                   r"|^\d{4}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2}\s*日?"  # a date alone is the text's own
                   r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?(?:\s|$)|.{0,40}(?:来源|作者|浏览|阅读|编辑)\s*[:：])"),
    )
)
_EMPHASIS = re.compile(r"[*_`~]+")
_TABLE_RULE = re.compile(r"^\|?[\s:|-]+\|?$")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")


@dataclass
class Cleaned:
    """The cleaned lines, each with its line number in the extracted text, and what was changed."""

    lines: list[tuple[int, str]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def clutter_kind(line: str) -> str | None:
    """The kind of clutter a line is ('share caption', 'footer' ...), or None for article text."""
    if line.startswith("#"):
        return None
    bare = converter("t2s.json").convert(_EMPHASIS.sub("", line).strip())  # the patterns are Simplified
    if len(bare) > CLUTTER_MAX or "。" in bare:
        return None
    for kind, pattern in CLUTTER:
        if pattern.search(bare):
            return kind
    return None


def _table_row(line: str) -> str:
    cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
    separator = "；" if _CJK.search(line) else "; "
    return separator.join(cell for cell in cells if cell)


def _clean_line(number: int, line: str, out: Cleaned) -> None:
    if line.startswith("|") and line.endswith("|"):
        if _TABLE_RULE.match(line):
            out.findings.append(Finding(number, 1, "removed", "table rule", line))
            return
        flat = "- " + _table_row(line)
        out.findings.append(Finding(number, 1, "converted", "table row to a list item (Telegram shows no tables)",
                                    flat))
        line = flat
    kind = clutter_kind(line)
    if kind is not None:
        out.findings.append(Finding(number, 1, "removed", kind, line))
        return
    pinyin = list(PINYIN.finditer(line))
    images = list(_IMAGE.finditer(line))
    for match in pinyin:
        out.findings.append(Finding(number, match.start() + 1, "removed", "pinyin annotation", match.group(0).strip()))
    for match in images:
        out.findings.append(Finding(number, match.start() + 1, "removed", "inline image", match.group(0)))
    removed = [match.span() for match in (*pinyin, *images)]
    for column, what, text in damage(line, skip=removed):
        out.findings.append(Finding(number, column, "flagged", what + ", fix by hand", text))
    for start, end in sorted(removed, reverse=True):
        line = line[:start] + line[end:]
    if line.strip():
        out.lines.append((number, line.strip()))


def clean(body: list[str], title: str) -> Cleaned:
    """`body` (the extracted lines) without clutter and pinyin, with every change as a Finding."""
    out = Cleaned()
    title_seen = False
    for number, line in enumerate(body, start=1):
        heading = line.lstrip("#").strip()
        if (not title_seen and number <= 3 and line.startswith("#") and heading
                and (heading in title or title in heading)):
            title_seen = True
            out.findings.append(Finding(number, 1, "removed", "title heading (the title is in the front matter)", line))
            continue
        _clean_line(number, line, out)
    return out
