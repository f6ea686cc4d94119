"""`lesson-bot content import`: saved pages served by a local web server become drafts a secretary finishes.

Each test imports as a secretary would and asserts what they read: the report of removed and flagged artefacts
with their line:column, the draft's text (kept paragraphs word for word, clutter gone) and what `content check`
says of the draft (only the quiz placeholders, unless the article itself is damaged).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from lesson_bot.cli import app
from lesson_bot.content.loader import load_library
from lesson_bot.content.review import review_library
from tests.support.pages import PageServer, Route, fixture, html, paragraphs

runner = CliRunner()
PLACEHOLDER_LINES = [
    f"{line}: column {column}: placeholder 【待填写】 left by the importer: write the real text here"
    for line, column in ((11, 15), (13, 9), (14, 9), (15, 9), (17, 18))
]


@pytest.fixture
def pages() -> Iterator[PageServer]:
    big = b"<html><body>" + b"<p>" + "很长的页面。".encode() * 2000 + b"</p></body></html>"
    routes = {
        "/gbk.html": html(fixture("gbk-meta.html"), "text/html"),
        "/gbk-bare.html": html(fixture("gbk-meta.html"), None),
        "/notes.txt": html(fixture("gb18030-bare.txt"), "text/plain"),
        "/clutter.html": html(fixture("clutter.html")),
        "/traditional.html": html(fixture("traditional.html")),
        "/loop": Route(302, (("Location", "/loop"),)),
        "/moved": Route(301, (("Location", "/gbk.html"),)),
        "/stall": Route(stall=True),
        "/big.html": html(big),
        "/big-declared.html": Route(200, (("Content-Type", "text/html"), ("Content-Length", str(len(big)))), big),
        "/report.pdf": Route(200, (("Content-Type", "application/pdf"),), b"%PDF-1.4 not really"),
    }
    with PageServer(routes) as server:
        yield server


def run(tmp_path: Path, *args: str) -> tuple[Result, Path | None]:
    """The command's result and the draft it wrote into tmp_path/drafts (None when it wrote none)."""
    out = tmp_path / "drafts"
    result = runner.invoke(app, ["content", "import", *args, "--out", str(out), "--timeout", "0.5"])
    drafts = sorted(out.glob("*.md")) if out.exists() else []
    assert len(drafts) <= 1
    return result, drafts[0] if drafts else None


def body_of(draft: Path) -> list[str]:
    """The draft's body lines (after the front matter), blank lines left out."""
    text = draft.read_text(encoding="utf-8")
    return [line for line in text.split("\n---\n", 1)[1].split("\n") if line.strip()]


def check(draft: Path) -> list[str]:
    """What `content check` reports for the draft, as line: message."""
    load = review_library(load_library(draft))
    return [f"{problem.line}: {problem.message}" for problem in load.problems]


def test_a_gbk_page_declared_in_its_meta_tag_is_read_word_for_word(tmp_path: Path, pages: PageServer) -> None:
    """A GB2312-labelled page served without a charset header is read as GB18030; its paragraphs stay whole."""
    result, draft = run(tmp_path, pages.url("/gbk.html"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == f"read {pages.url('/gbk.html')} (666 bytes, gb18030 from the meta tag)"
    assert draft is not None
    assert body_of(draft) == paragraphs(fixture("gbk-meta.html"), "gbk")
    text = draft.read_text(encoding="utf-8")
    assert "title: 机关党支部开展主题党日活动\n" in text
    host = pages.base.removeprefix("http://")  # the page names no publisher: its host stands in
    assert f"source: \"《机关党支部开展主题党日活动》（{host}，2024年5月12日）{pages.url('/gbk.html')}\"\n" in text
    assert check(draft) == PLACEHOLDER_LINES


def test_a_page_without_any_content_type_and_a_text_without_a_charset(tmp_path: Path, pages: PageServer) -> None:
    """A page with no Content-Type is taken as HTML by its start; a bare GB18030 text is recognised by its bytes."""
    result, draft = run(tmp_path, pages.url("/gbk-bare.html"))
    assert result.exit_code == 0, result.output
    assert draft is not None and body_of(draft) == paragraphs(fixture("gbk-meta.html"), "gbk")
    draft.unlink()
    result, draft = run(tmp_path, pages.url("/notes.txt"))
    assert result.exit_code == 0, result.output
    assert "gb18030 from detected" in result.stdout.splitlines()[0]
    lines = fixture("gb18030-bare.txt").decode("gb18030").split("\n")
    assert draft is not None and body_of(draft) == [line for line in lines[1:] if line]
    assert "title: 学习笔记：支部工作条例第四章\n" in draft.read_text(encoding="utf-8")
    assert "note: no publication date found: add it to `source` (content check asks for a year)" in result.stdout


def test_a_redirect_is_followed_and_the_source_names_the_final_address(tmp_path: Path, pages: PageServer) -> None:
    """A moved page is fetched where it moved to, and that address goes into `source`."""
    result, draft = run(tmp_path, pages.url("/moved"))
    assert result.exit_code == 0, result.output
    assert draft is not None and pages.url("/gbk.html") in draft.read_text(encoding="utf-8")


def test_clutter_is_removed_and_reported_and_the_kept_paragraphs_are_verbatim(tmp_path: Path,
                                                                               pages: PageServer) -> None:
    """Share, follow and QR-code captions, bylines and footers go, each reported; a long article is cut to
    its lead and section paragraphs, word for word under their headings, and the rest becomes points."""
    result, draft = run(tmp_path, pages.url("/clutter.html"), "--series", "基层党建经验")
    assert result.exit_code == 0, result.output
    report = result.stdout.splitlines()
    assert report[1:7] == [
        "article 1:1: removed title heading (the title is in the front matter): # 社区党支部“三会一课”工作纪实",
        "article 2:1: removed byline: 2025年03月18日 09:30 来源：示例党建网 浏览次数：1024",
        "article 3:1: removed share caption: 微信 微博 QQ空间",
        "article 29:1: removed follow caption: 扫码关注我们",
        "article 30:1: removed QR-code caption: 示例党建网微信公众号二维码",
        "article 31:1: removed footer: 责任编辑：王五",
    ]
    assert report[7] == "kept 14 of 20 paragraphs word for word and 5 points from the rest; about 4 min"
    assert draft is not None
    text = draft.read_text(encoding="utf-8")
    for clutter in ("分享", "微博", "扫码", "二维码", "责任编辑", "版权所有", "ICP", "首页", "广告", "浏览次数",
                    "相关阅读"):
        assert clutter not in text, clutter
    source = paragraphs(fixture("clutter.html"))
    body = body_of(draft)
    kept = [line for line in body if not line.startswith(("#", "- "))]
    assert kept[0] == source[2]  # the lead paragraph, after the byline and the share caption
    assert all(line in source for line in kept)
    sentences = {sentence for p in source for sentence in re.split(r"(?<=[。！？；])", p) if sentence}
    points = [line.removeprefix("- ") for line in body if line.startswith("- ")]
    assert len(points) == 5 and all(point in sentences for point in points)
    headings = [line for line in body if line.startswith("#")]
    assert headings == ["## 一、支部党员大会按季度召开", "## 二、支部委员会每月研究工作", "## 三、党小组会和党课",
                        "## 四、记录和检查", "## 五、服务群众", "## 其他要点"]
    assert "series: 基层党建经验\n" in text and "minutes: 4\n" in text
    assert check(draft) == PLACEHOLDER_LINES
    assert report[-1] == "content check: 0 problems besides the quiz placeholders; write the quiz (lines 11-17)"


def test_traditional_text_is_simplified_pinyin_removed_and_mojibake_reported(tmp_path: Path,
                                                                              pages: PageServer) -> None:
    """--to zh-Hans converts with Taiwan's phrases (網路 -> 网络, 軟體 -> 软件); pinyin goes, real brackets stay;
    damaged runs are reported at their line:column in the article and again by content check in the draft."""
    result, draft = run(tmp_path, pages.url("/traditional.html"), "--to", "zh-Hans")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:10] == [
        "article 1:1: removed title heading (the title is in the front matter): # 支部經驗交流會紀要",
        "article 3:10: removed pinyin annotation: (jīng)",
        "article 3:17: removed pinyin annotation: (yàn)",
        "article 4:7: flagged mojibake (Chinese text read as Latin-1), fix by hand: ÖÐ¹ú",
        "article 4:18: flagged question-mark run (characters lost in a conversion), fix by hand: ??",
        "article 4:33: flagged replacement characters (bytes that could not be decoded), fix by hand: \ufffd\ufffd",
        "article 5:1: removed follow caption: 長按識別二維碼",
        "note: converted 43 Traditional characters to Simplified (OpenCC tw2sp.json)",
        "kept 3 of 3 paragraphs word for word and 0 points from the rest; about 1 min",
    ]
    assert draft is not None
    assert body_of(draft) == [
        "支部利用网络平台和软件工具学习，信息及时传达到每一名党员。",
        "本次交流会总结了经验做法（2021年起实行），大家认为制度坚持下来最重要。",
        "会上还讨论了ÖÐ¹ú基层组织建设的??问题，部分记录因转码损坏：\ufffd\ufffd。",
    ]
    assert "title: 支部经验交流会纪要\n" in draft.read_text(encoding="utf-8")
    assert check(draft) == [
        *PLACEHOLDER_LINES,
        "23: column 7: 'ÖÐ¹ú', Chinese text decoded as Latin-1",
        "23: column 18: '??' inside Chinese text (characters lost)",
        "23: column 33: the replacement character \ufffd (text lost in a conversion)",
    ]


def test_traditional_text_without_to_is_kept_and_said(tmp_path: Path, pages: PageServer) -> None:
    """Without --to the characters stay as written; the report says how many and content check names them."""
    result, draft = run(tmp_path, pages.url("/traditional.html"))
    assert result.exit_code == 0, result.output
    assert "note: 43 Traditional characters kept: convert them with --to zh-Hans" in result.stdout.splitlines()
    assert draft is not None and "支部利用網路平臺和軟體工具學習" in draft.read_text(encoding="utf-8")
    assert any("Traditional character(s)" in problem for problem in check(draft))


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/loop", "more than 5 redirects (a redirect loop?)"),
        ("/missing", "the server answered 404 Not Found"),
        ("/stall", "the server sent nothing for 0.5 s"),
        ("/big.html", "the page is over the limit of 20,000 bytes"),
        ("/big-declared.html", "the page has 36,033 bytes, over the limit of 20,000"),
        ("/report.pdf", "the page is application/pdf, not an HTML page or plain text"),
    ],
)
def test_a_failed_fetch_is_one_line_and_writes_nothing(tmp_path: Path, pages: PageServer, path: str,
                                                       error: str) -> None:
    """Each way a fetch fails ends the command with one line naming the URL and the reason, exit 1, no draft."""
    result, draft = run(tmp_path, pages.url(path), "--max-bytes", "20000")
    assert (result.exit_code, result.stdout, draft) == (1, "", None)
    assert result.stderr == f"import failed: {pages.url(path)}: {error}\n"


def test_local_files_are_imported_and_other_files_refused(tmp_path: Path) -> None:
    """An .html or .txt file is read like a page; another kind of file, or a missing one, is one line."""
    page = tmp_path / "article.html"
    page.write_bytes(fixture("gbk-meta.html"))
    result, draft = run(tmp_path, str(page))
    assert result.exit_code == 0, result.output
    assert draft is not None and body_of(draft) == paragraphs(fixture("gbk-meta.html"), "gbk")
    again, _ = run(tmp_path, str(page))
    assert again.exit_code == 1 and again.stderr.endswith("exists; pass --force to overwrite it\n")
    result, draft = run(tmp_path, str(tmp_path / "slides.pptx"))
    assert result.exit_code == 1
    assert result.stderr == f"import failed: {tmp_path / 'slides.pptx'}: not a URL, an .html file or a .txt file\n"


def test_an_english_article_gets_an_english_draft(tmp_path: Path, pages: PageServer) -> None:
    """An English page is an `en` draft: its source in quotes, its quiz placeholders in English."""
    pages.routes["/english.html"] = html(fixture("english.html"))
    result, draft = run(tmp_path, pages.url("/english.html"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:5] == [
        "article 1:1: removed title heading (the title is in the front matter): # How our branch runs its monthly "
        "meeting",
        "article 2:1: removed share caption: Share this article: Facebook Twitter WeChat",
        "article 5:1: removed follow caption: Follow us on WeChat",
        "article 6:1: removed footer: Copyright © 2024 Example News. All rights reserved.",
    ]
    assert draft is not None
    text = draft.read_text(encoding="utf-8")
    assert "language: en\n" in text and "series: Imported drafts\n" in text
    url = pages.url("/english.html")
    assert f'source: "“How our branch runs its monthly meeting” (Example News, 2024-02-03), {url}"\n' in text
    assert body_of(draft) == paragraphs(fixture("english.html"))[1:3]
    assert check(draft) == [
        f"{line}: column {column}: placeholder (to be written) left by the importer: write the real text here"
        for line, column in ((11, 15), (13, 9), (14, 9), (15, 9), (17, 18))
    ]
