"""Where a printed line only wraps: the rules of assistant/ingest/pdf/reflow.py on lines laid out as LibreOffice prints
guidelines (A4, 16 pt type, 31.2 pt single spacing). Learnt from development PDFs (bench/pdf_pages.py): numbered
items with hanging indents and 1.5-spaced paragraphs were cut at every printed line."""
from __future__ import annotations

from assistant.ingest.pdf.lines import Line
from assistant.ingest.pdf.reflow import Layout, breaks_before, wrap_pitch

LAYOUT = Layout(left=73.8, right=520.9, em=16.0, pitch=31.2, body=16.0)


def line(text: str, x0: float, y0: float, x1: float = 518.0) -> Line:
    return Line(text, x0, x1, y0, y0 + 16.0)


def test_a_numbered_item_s_hanging_indent_goes_on():
    first = line("（11）如配置可充电电池，提交充电模块的研究资料，包", 76.7, 100.0)
    second = line("括充电效率、充电安全性能研究。", 124.7, 131.2, 360.0)
    third = line("充电模块的研究资料应包括循环寿命。", 124.7, 162.4, 390.0)
    assert not breaks_before(first, second, LAYOUT)
    assert breaks_before(second, third, LAYOUT)  # the item ended with a full stop: what follows is new


def test_an_indented_line_after_a_full_unnumbered_one_still_opens_a_paragraph():
    """A right-aligned signature reaches the margin too; its date below is no continuation of it."""
    signature = line("测试符路桥区卫生局办公室", 330.0, 600.0)
    date = line("2011年3月10日", 420.0, 631.2, 518.0)
    assert breaks_before(signature, date, LAYOUT)


def test_paragraphs_set_wider_than_the_rest_wrap_at_their_own_pitch():
    wide = [[line("检验结果与工作距离有关的，申请人应在检验方法中明确工作距离；检", 76.7, 100.0 + 46.8 * i),
             line("验方法中采用了模拟眼的，申请人应明确模拟眼的光学参数，并说明", 76.7, 146.8 + 46.8 * i)]
            for i in range(0, 8, 2)]
    single = [[line("单倍行距的段落每行都写满而且没有句号结尾的一行文字放在这里作为", 76.7, 50.0 + 31.2 * i),
               line("例子用来说明正常的行距下换行的情况这样的段落很多很多的行数多", 76.7, 81.2 + 31.2 * i)]
              for i in range(30)]
    lay = Layout(LAYOUT.left, LAYOUT.right, LAYOUT.em, LAYOUT.pitch, LAYOUT.body, wrap_pitch(wide + single, LAYOUT))
    assert abs(lay.wrap - 46.8) < 0.01
    assert not breaks_before(*wide[0], lay)  # 46.8 pt down, after a full line stopping mid-sentence
    assert breaks_before(*wide[0], LAYOUT)  # in a document that never sets paragraphs wider, a gap
    heading = line("（二）检验方法", 76.7, 146.8, 200.0)
    assert breaks_before(wide[0][0], heading, lay)  # a numbered heading always opens its own paragraph
