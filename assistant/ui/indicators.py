"""The 指标 tab: every target of the collection as a table, filtered by document, folder, year and indicator text;
a row opens its clause in the document view with the value marked (through the same bridge as citations); an
indicator's values by year and by document as a chart; the table as CSV and XLSX downloads."""
from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import quote

import gradio as gr

from assistant.models import PATH_SEPARATOR, in_collection
from assistant.service import Assistant
from assistant.targets import KIND_NAMES, Target, fold_indicator
from assistant.targets import export
from assistant.ui.render import esc

MAX_FILTER_CHARS = 50
MAX_ROWS_SHOWN = 1000  # the table shows this many; the downloads hold every row that matches
ALL = ""


def select(assistant: Assistant, document: Any, collection: Any, year: Any, text: Any) -> tuple[list[Target], str]:
    """The records the filters select, and a message for the reader ('' when all is well)."""
    values = [v if isinstance(v, str) else "" for v in (document, collection, year, text)]
    document, collection, year, text = (v.strip() for v in values)
    if len(text) > MAX_FILTER_CHARS:
        return [], f"指标关键词过长（最多 {MAX_FILTER_CHARS} 个字）。"
    if document and document not in assistant.documents:
        return [], "文档库中没有这个文件。"
    if collection and not any(in_collection(s, collection) for s in assistant.documents):
        return [], f"文档库中没有“{collection}”这个文件夹。"
    records = assistant.targets.select(document=document, collection=collection, year=year, text=text)
    if not records:
        return [], "没有符合条件的指标。"
    return records, ""


def render_table(records: Sequence[Target], titles: dict[str, str], message: str = "") -> str:
    """The records as an escaped HTML table; each row's indicator and value open its clause, the value marked."""
    if not records:
        return f'<div class="pa-msg pa-notice" id="pa-targets-empty">{esc(message or "没有符合条件的指标。")}</div>'
    shown = records[:MAX_ROWS_SHOWN]
    rows = []
    for t in shown:
        href = f"#pa-open?s={quote(t.source, safe='')}&at={int(t.start)}&q={int(t.start)}-{int(t.end)}"
        link = lambda inner: f'<a class="pa-open" role="button" href="{esc(href)}">{inner}</a>'
        rows.append(
            f'<tr data-source="{esc(t.source)}" data-start="{int(t.start)}">'
            f'<td title="{esc(titles.get(t.source, ""))}">{esc(t.source.rsplit("/", 1)[-1])}</td>'
            f'<td>{esc(t.collection.replace(PATH_SEPARATOR, "/") or "（根目录）")}</td>'
            f'<td>{link(esc(t.indicator))}</td><td>{esc(t.scope)}</td><td>{esc(t.year)}</td>'
            f'<td>{link(f"<span class=pa-value>{esc(t.value)}</span>")}</td>'
            f'<td>{esc(KIND_NAMES.get(t.kind, t.kind))}</td><td>{esc(t.property)}</td></tr>')
    more = (f'<div class="pa-note">共 {len(records)} 条，表中显示前 {MAX_ROWS_SHOWN} 条；下载的文件包含全部。</div>'
            if len(records) > MAX_ROWS_SHOWN else f'<div class="pa-note">共 {len(records)} 条。点击指标或数值可查看原文。</div>')
    head = "".join(f"<th>{h}</th>" for h in ("文件", "文件夹", "指标", "范围", "年份", "数值", "类型", "指标性质"))
    return (f'{more}<div class="pa-targets-wrap"><table class="pa-targets" id="pa-targets-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def chart_indicator(records: Sequence[Target], text: str = "") -> str:
    """The indicator the chart shows: the one stated most often among the records (with a year), preferring one
    named exactly as the filter text."""
    counts = Counter(t.folded for t in records if t.year[:4].isdigit())
    if not counts:
        return ""
    wanted = fold_indicator(text) if text else ""
    if wanted in counts:
        return wanted
    return max(counts, key=lambda k: (counts[k], -len(k)))


def chart(records: Sequence[Target], titles: dict[str, str], text: str = ""):
    """An indicator's values by year, one line per document, as a matplotlib figure (None when nothing to draw)."""
    folded = chart_indicator(records, text)
    if not folded:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    import matplotlib.pyplot as plt

    have = {f.name for f in font_manager.fontManager.ttflist}
    cjk = [n for n in ("Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Micro Hei", "Source Han Sans SC",
                       "Microsoft YaHei", "PingFang SC") if n in have]
    plt.rcParams["font.sans-serif"] = cjk + ["DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    chosen = [t for t in records if t.folded == folded and t.year[:4].isdigit()]
    figure, ax = plt.subplots(figsize=(7, 3.4), dpi=100)
    by_document: dict[str, list[Target]] = {}
    for t in chosen:
        by_document.setdefault(t.source, []).append(t)
    for source, points in by_document.items():
        points.sort(key=lambda t: t.year)
        label = source.rsplit("/", 1)[-1]  # the file's name: a title read from a PDF may be its date line
        ax.plot([int(t.year[:4]) for t in points], [t.number for t in points], marker="o",
                label=label if len(label) <= 24 else label[:23] + "…")
        for t in points:
            ax.annotate(f"{t.value.replace(' ', '')}", (int(t.year[:4]), t.number), textcoords="offset points",
                        xytext=(0, 6), ha="center", fontsize=8)
    unit = next((t.unit for t in chosen if t.unit), "")
    ax.set_title(f"{chosen[0].indicator}（按年份）", fontsize=11)
    ax.set_xlabel("年份")
    ax.set_ylabel(unit or "数值")
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.grid(alpha=.3)
    ax.legend(fontsize=8, loc="best")
    figure.tight_layout()
    plt.close(figure)
    return figure


def downloads(records: Sequence[Target]) -> tuple[str, str]:
    """The records written as 指标.csv and 指标.xlsx in a fresh folder (Gradio serves them from its cache)."""
    folder = Path(tempfile.mkdtemp(prefix="pa-targets-"))
    export.write_csv(records, folder / "指标.csv")
    export.write_xlsx(records, folder / "指标.xlsx")
    return str(folder / "指标.csv"), str(folder / "指标.xlsx")


def choices(assistant: Assistant) -> tuple[list, list, list]:
    """The pickers' choices: documents with targets, folders, years stated."""
    targets = assistant.targets
    titles = {s: d.title for s, d in assistant.documents.items()}
    documents = [("全部文件", ALL)] + [(titles.get(s, s), s) for s in sorted(targets.sources)]
    folders = sorted({t.collection for t in targets if t.collection})
    collections = [("全部文件夹", ALL)] + [(f.replace(PATH_SEPARATOR, "/"), f.replace(PATH_SEPARATOR, "/")) for f in folders]
    years = [("全部年份", ALL)] + [(y, y) for y in sorted({t.year for t in targets if t.year})]
    return documents, collections, years


def build_indicators_tab(assistant: Assistant):
    """The tab's components and events (inside the app's gr.Tabs; rows open clauses through the app's bridge)."""
    documents, collections, years = choices(assistant)
    with gr.Tab("指标", id="indicators", elem_id="pa-indicators-tab"):
        with gr.Row(equal_height=False):
            document = gr.Dropdown(choices=documents, value=ALL, label="文件", scale=3, elem_id="pa-t-doc")
            collection = gr.Dropdown(choices=collections, value=ALL, label="文件夹", scale=2, elem_id="pa-t-folder")
            year = gr.Dropdown(choices=years, value=ALL, label="年份", scale=1, min_width=110, elem_id="pa-t-year")
            text = gr.Textbox(label="指标关键词", placeholder="如 孕产妇死亡率", scale=2, max_lines=1, elem_id="pa-t-text")
        with gr.Row():
            apply = gr.Button("筛选", variant="primary", scale=1, elem_id="pa-t-apply")
            csv_file = gr.DownloadButton("下载 CSV", scale=1, elem_id="pa-t-csv")
            xlsx_file = gr.DownloadButton("下载 XLSX", scale=1, elem_id="pa-t-xlsx")
        table = gr.HTML("", elem_id="pa-targets")
        plot = gr.Plot(label="指标按年份", elem_id="pa-t-chart", format="png")

        def refresh(doc, folder, y, words):
            records, message = select(assistant, doc, folder, y, words)
            titles = {s: d.title for s, d in assistant.documents.items()}
            csv_path, xlsx_path = downloads(records)
            return render_table(records, titles, message), chart(records, titles, words), csv_path, xlsx_path

        outputs = [table, plot, csv_file, xlsx_file]
        gr.on([apply.click, text.submit, document.input, collection.input, year.input], refresh,
              inputs=[document, collection, year, text], outputs=outputs, show_progress="hidden",
              api_visibility="private")

        def on_load():
            docs, folders, ys = choices(assistant)
            return (gr.Dropdown(choices=docs), gr.Dropdown(choices=folders), gr.Dropdown(choices=ys),
                    *refresh(ALL, ALL, ALL, ""))

        return on_load, [document, collection, year, *outputs]  # the app loads it with the page (demo.load)
