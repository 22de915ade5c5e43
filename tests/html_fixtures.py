"""Government-style web pages built from the sample plans' .txt files, for tests/test_ingest_html.py.

A page is laid out like one on a health commission's site: a `<header>` with a logo, a menu of links and a
search form; a breadcrumb; a metadata `<table>` (the .txt's 索引号 / 发文单位 / 文号 / 日期 … lines, moved
there in `<td>key：</td><td>value</td>` pairs, never left in the article); the `<h1>`; print/share buttons;
the article, one `<p>` per non-empty line; a 扫一扫 QR block; a 相关文档 list of links; a 声明 footer; and
`<script>`s. The .txt's own web boilerplate (扫一扫…, 相关主题, 声明, 城市站点, a "> 标题" breadcrumb line)
goes into those page parts, not into the article; other boilerplate the parser drops (时间: … 来源: … bylines,
（此件公开发布）) stays in the article, where such pages print it.
"""
from __future__ import annotations

import html
import re

from assistant.parser import is_boilerplate, parse_metadata_line

_WS = " \t\r\u3000\xa0\ufeff"
_QR = re.compile(r"^(扫一扫|扫描二维码|用手机扫)")
_RELATED = re.compile(r"^(相关主题|相关文档|最新文档|相关链接|相关阅读|相关新闻)$")
_STATEMENT = re.compile(r"^[（(]?声明[:：)）]")
_NAV = re.compile(r"^(>|城市站点$|详细内容$|分享$|分享到|打印$|关闭$|【打印】$|【关闭】$|返回顶部$|字号)")

# Everything below is page furniture: none of it may reach the extracted text.
MENU = ["首页", "机构概况", "政务公开", "政策文件", "新闻中心", "办事服务", "互动交流", "专题专栏"]
RELATED_LINKS = ["关于进一步加强基层医疗卫生机构建设的通知", "2023年全市卫生健康工作要点解读", "政策文件问答"]
SIDE_LINKS = ["通知公告", "政策解读", "规划计划"]
FURNITURE = [*MENU[1:], *RELATED_LINKS, *SIDE_LINKS, "当前位置", "请输入关键字", "搜索", "【打印】", "分享到", "微博",
             "扫一扫在手机打开当前页", "本网站所载文章仅供参考", "备案号", "人民路1号", "_hmt", "jquery"]
# One <p> per line; one <div> of <br>-separated lines; an editor's <p><span><font> runs with <strong> headings;
# the page inside a layout table's cell.
LAYOUTS = ("p", "br", "styled", "table")


def lines_of(text: str) -> list[str]:
    """The .txt's non-empty lines, stripped."""
    return [line.strip(_WS) for line in text.splitlines() if line.strip(_WS)]


def is_meta_line(line: str) -> bool:
    return parse_metadata_line(line) is not None


def _page_part(line: str) -> str:
    """Where a .txt line goes on the page: the metadata table, a furniture block, or the article."""
    if is_meta_line(line):
        return "meta"
    if not is_boilerplate(line):
        return "body"
    for part, pattern in (("qr", _QR), ("related", _RELATED), ("statement", _STATEMENT), ("nav", _NAV)):
        if pattern.match(line):
            return part
    return "body"


def _key_cell(key: str) -> str:
    return f'<td class="key">{html.escape(key)}：</td>'


def meta_rows(lines: list[str]) -> list[str]:
    """`<tr>`s for the metadata lines: a pipe row cell by cell; `key: value` lines two pairs to a row."""
    rows, pairs = [], []
    for line in lines:
        if "|" in line or "｜" in line:
            cells = [c.strip(_WS) for c in re.split(r"[|｜]", line)]
            while cells and not cells[-1]:
                cells.pop()
            rendered = [_key_cell(c) if c and is_meta_line(f"{c}：x") else f"<td>{html.escape(c)}</td>" for c in cells]
            rows.append("<tr>" + "".join(rendered) + "</tr>")
        else:
            key, _, value = re.split(r"([:：])", line, maxsplit=1)
            pairs.append(_key_cell(key.strip(_WS)) + f"<td>{html.escape(value.strip(_WS))}</td>")
    rows += ["<tr>" + "".join(pairs[i : i + 2]) + "</tr>" for i in range(0, len(pairs), 2)]
    return rows


def _article(lines: list[str], layout: str) -> str:
    esc = html.escape
    if layout == "br":  # older sites: the whole text in one element, lines split by <br>
        return '<div class="article" id="zoom">' + "<br>\n".join(esc(line) for line in lines) + "</div>"
    if layout == "styled":  # what a CMS editor (TRS and the like) saves
        return ('<div class="article"><div class="TRS_Editor"><div class="Custom_UnionStyle">'
                + "\n".join(_styled(line) for line in lines) + "</div></div></div>")
    return '<div class="article">\n' + "\n".join(f"    <p>{esc(line)}</p>" for line in lines) + "\n  </div>"


def _styled(line: str) -> str:
    if re.match(r"^[一二三四五六七八九十]+、", line) and len(line) < 30:
        return f'<p><strong><span style="font-family:黑体">{html.escape(line)}</span></strong></p>'
    return (f'<p style="text-indent:2em"><span style="font-size:16pt"><font face="仿宋_GB2312">{html.escape(line)}'
            "</font></span></p>")


def government_page(text: str, title: str, *, title_in_body: bool = True, charset: str = "utf-8",
                    declare: str = "charset", layout: str = "p") -> bytes:
    """The page for a plan's .txt `text`, encoded in `charset` (characters it lacks as `&#…;` references) and
    declaring it in `<meta charset>` or (declare="http-equiv") a content-type `<meta>`.

    `title` goes into `<title>` and `<h1>`; with `title_in_body=False` the article's lines equal to it are left
    out, as on sites that print the title only as the page's headline."""
    parts: dict[str, list[str]] = {"meta": [], "body": [], "qr": [], "related": [], "statement": [], "nav": []}
    for line in lines_of(text):
        if title_in_body or line != title:
            parts[_page_part(line)].append(line)
    esc = html.escape
    declaration = (f'<meta charset="{charset}">' if declare == "charset"
                   else f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">')
    menu = "".join(f'<li><a href="/{i}/">{esc(n)}</a></li>' for i, n in enumerate(MENU))
    related = "".join(f'<li><a href="/doc/{i}.html">{esc(n)}</a></li>' for i, n in enumerate(RELATED_LINKS))
    qr = "".join(f"<p>{esc(n)}</p>" for n in parts["qr"]) or "<p>扫一扫在手机打开当前页</p>"
    main = f"""<div class="main">
  <table class="xxgk-info" border="1">{"".join(meta_rows(parts["meta"]))}</table>
  <div class="title"><h1>{esc(title)}</h1></div>
  <div class="tools"><a href="javascript:window.print()">【打印】</a> <a href="javascript:window.close()">【关闭】</a>
    <span class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></span></div>
  {_article(parts["body"], layout)}
  <div class="qrcode"><img src="/qr.png" alt="二维码">{qr}</div>
  <div class="related"><h3>相关文档</h3><ul>{related}</ul>{"".join(f"<div>{esc(n)}</div>" for n in parts["related"])}</div>
</div>"""
    if layout == "table":  # older county sites: a two-column layout table, links left, the page right
        side = "".join(f'<li><a href="/s{i}/">{esc(n)}</a></li>' for i, n in enumerate(SIDE_LINKS))
        main = f'<table width="1000"><tr><td width="200"><ul>{side}</ul></td><td>{main}</td></tr></table>'
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{declaration}
<title>{esc(title)}_某市卫生健康委员会</title>
<link rel="stylesheet" href="/css/main.css">
<style>.article p {{ text-indent: 2em; line-height: 2; }}</style>
<script>var _hmt = _hmt || []; window.siteId = "wsjkw";</script>
</head>
<body>
<header class="top">
  <div class="logo"><a href="/"><img src="/images/logo.png" alt="某市卫生健康委员会"></a></div>
  <nav class="menu"><ul>{menu}</ul></nav>
  <div class="search"><form action="/search"><input name="q" placeholder="请输入关键字"><button>搜索</button></form></div>
  {"".join(f"<div class='site-link'>{esc(n)}</div>" for n in parts["nav"] if not n.startswith(">"))}
</header>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/2/">政务公开</a> &gt; <a href="/3/">政策文件</a>
  {"".join(f"<span>{esc(n)}</span>" for n in parts["nav"] if n.startswith(">"))}</div>
{main}
<footer class="footer">
  <p>{"".join(esc(n) for n in parts["statement"]) or "（声明：本网站所载文章仅供参考，转载请注明出处。）"}</p>
  <p>主办：某市卫生健康委员会　地址：某市人民路1号　<a href="https://beian.miit.gov.cn/">备案号：某ICP备12345678号</a></p>
</footer>
<script src="/js/jquery.min.js"></script>
<script>$(function () {{ $(".share a").click(function () {{ return false; }}); }});</script>
</body>
</html>
"""
    return page.encode(charset, errors="xmlcharrefreplace")


def regulation_page(markdown: str) -> bytes:
    """A regulation's Markdown as a page: `#` title as `<h1>`, `## 第X章` as `<h2>`, every other line a `<p>`."""
    body, title = [], ""
    for line in lines_of(markdown):
        if line.startswith("<!--"):
            continue
        if m := re.match(r"^(#{1,6})\s+(.+)$", line):
            level = len(m.group(1))
            title = title or m.group(2)
            body.append(f"<h{level}>{html.escape(m.group(2))}</h{level}>")
        else:
            body.append(f"<p>{html.escape(line)}</p>")
    page = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)} - 法规库</title></head>
<body><header><nav><a href="/">首页</a> <a href="/laws/">地方性法规</a> <a href="/about/">关于我们</a></nav></header>
<div class="crumb"><a href="/">首页</a> &gt; <a href="/laws/">地方性法规</a></div>
<div class="content">{"".join(body)}</div>
<div class="share">分享到：<a href="#">微信</a></div>
<footer><p>版权所有 法规库</p></footer><script>console.log(1)</script></body></html>"""
    return page.encode("utf-8")


SMALL_TITLE = "某市基层医疗卫生服务能力提升方案"


def page(body: str, *, head: str = f'<meta charset="utf-8"><title>{SMALL_TITLE}</title>') -> bytes:
    """A small page around `body`, for the tests of single features."""
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>".encode("utf-8")
