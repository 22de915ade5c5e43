"""The 反馈 tab: the staff's ratings for an admin to review (the login of the 文档管理 tab, checked again from
the cookie of every request, as documents.py does). List and filter them (unreviewed, 👎 by reason, about a
document), open one to see the answer as it was given, mark it reviewed with the expected answer, and make it
an evaluation item (checked against the set's format and the index), which `feedback export` and the
download here write into eval/feedback.jsonl's format. Anyone else sees only that a login is needed.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.admin import NEED_LOGIN, Admin
from assistant.eval.load import KINDS
from assistant.feedback import REASONS
from assistant.feedback_store import FeedbackItem, FeedbackUnavailable, Filter, ReviewError, draft_eval_item, reason_text
from assistant.ui.admin_http import client_of, token_of
from assistant.ui.rating import VOTE_NAMES, FeedbackDesk
from assistant.ui.render import esc

LIST_ROWS = 300  # newest ratings listed; `feedback export` takes every reviewed one
SHOWN = {"unreviewed": "未审阅", "down": VOTE_NAMES["down"], "up": VOTE_NAMES["up"], "all": "全部"}
LOGIN_FIRST = "反馈审阅仅限管理员：请先在“文档管理”页登录，再点“刷新”。"
NO_ADMIN_REVIEW = "反馈审阅仅限管理员：启动服务时设置管理密码（--admin-secret-file 或 PLAN_ADMIN_SECRET）后，管理员登录即可审阅。"


def _notice(text: str) -> str:
    return f'<div class="pa-msg pa-notice">{esc(text)}</div>' if text else ""


def _filter(show: Any, reason: Any, document: Any) -> Filter:
    return Filter(unreviewed=show == "unreviewed", vote=show if show in ("up", "down") else "",
                  reason=reason if reason in REASONS else "", document=document if isinstance(document, str) else "")


def render_list(items: list[FeedbackItem]) -> str:
    if not items:
        return _notice("没有符合条件的反馈。")
    rows = "".join(
        f'<tr class="pa-fb-{"reviewed" if i.reviewed else "open"}" data-id="{i.id}"><td>#{i.id}</td>'
        f'<td>{esc(i.at.replace("T", " ").rstrip("Z"))}</td><td>{VOTE_NAMES[i.rating.vote]}</td>'
        f'<td>{esc(reason_text(i.rating.reason))}</td><td>{esc(i.given.question[:80])}</td>'
        f'<td>{esc(_documents(i))}</td>'
        f'<td>{"已审阅" if i.reviewed else "未审阅"}{"，评测条目" if i.reviewed and i.eval_item else ""}</td></tr>'
        for i in items)
    return ('<table class="pa-states pa-fb-list"><thead><tr><th>编号</th><th>时间 (UTC)</th><th>评价</th><th>原因</th>'
            f'<th>问题</th><th>文件</th><th>状态</th></tr></thead><tbody>{rows}</tbody></table>')


def _documents(item: FeedbackItem) -> str:
    """The first document it is about, and how many more."""
    names = [d.rsplit("/", 1)[-1] for d in item.documents]
    return (names[0] + (f" 等 {len(names)} 个" if len(names) > 1 else "")) if names else ""


def render_item(item: FeedbackItem) -> str:
    """The answer as it was given, with what staff said about it."""
    r, g = item.rating, item.given
    history = "".join(f"<li>{esc(q)}</li>" for q in g.history)
    cites = "".join(
        f'<li><b>[{c.number}]</b> 《{esc(c.title)}》 {esc(c.label)}{f" 第{c.page}页" if c.page else ""} '
        f'<span class="pa-file">{esc(c.source)}</span><div class="pa-card-path">{esc(c.path)}</div>'
        + "".join(f'<blockquote class="pa-fb-quote">{esc(q)}</blockquote>' for q in c.quotes) + "</li>"
        for c in g.citations)
    said = [f"评价：{VOTE_NAMES[r.vote]} {reason_text(r.reason)}"]
    if r.comment:
        said.append(f"正确答案（反馈者）：{r.comment}")
    if r.right_source:
        said.append(f"答案所在条款：{r.right_source} {r.right_label}")
    if r.name:
        said.append(f"反馈者：{r.name}")
    return (f'<div class="pa-fb-item" data-id="{item.id}"><div class="pa-manage-head">反馈 #{item.id}（{esc(item.at)}）'
            f'{"，已审阅 " + esc(item.reviewed_at) if item.reviewed else "，未审阅"}</div>'
            f'<div class="pa-fb-said">{"<br>".join(esc(s) for s in said)}</div>'
            f'<div class="pa-fb-question"><b>问题：</b>{esc(g.question)}</div>'
            + (f'<div class="pa-note">此前的问题：<ol>{history}</ol></div>' if history else "")
            + f'<div class="pa-fb-answer"><b>当时的回答</b>（{esc(g.at)}，索引版本 {esc(g.generation)}，编码器 {esc(g.encoder)}）：'
            f'<div class="pa-msg">{esc(g.text).replace(chr(10), "<br>")}</div></div>'
            f'<div class="pa-cites"><div class="pa-cites-head">{"引用" if g.found else "可能相关"}</div><ol>{cites}</ol></div></div>')


def build_feedback_tab(assistant, admin: Admin, desk: FeedbackDesk) -> None:
    with gr.Tab("反馈", id="feedback", elem_id="pa-feedback-tab") as tab:
        with gr.Row():
            show = gr.Radio(choices=[(v, k) for k, v in SHOWN.items()], value="unreviewed", label="显示", scale=3,
                            elem_id="pa-fb-show")
            reason = gr.Dropdown(choices=[("全部原因", "")] + [(v, k) for k, v in REASONS.items()], value="",
                                 label="👎 原因", scale=2, elem_id="pa-fb-reason")
            document = gr.Dropdown(choices=[("全部文件", "")], value="", label="文件", scale=3, elem_id="pa-fb-document")
            refresh = gr.Button("刷新", scale=1, elem_id="pa-fb-refresh")
        message = gr.HTML(_notice(desk.off_notice), elem_id="pa-fb-message")
        listing = gr.HTML(_notice(LOGIN_FIRST if admin.enabled else NO_ADMIN_REVIEW), elem_id="pa-fb-list")
        with gr.Row():
            pick = gr.Dropdown(choices=[], value=None, label="打开反馈", scale=4, elem_id="pa-fb-pick")
            export = gr.Button("导出评测集（feedback.jsonl）", scale=2, elem_id="pa-fb-export")
        exported = gr.File(label="评测集", visible=False, elem_id="pa-fb-file", interactive=False)
        shown = gr.HTML("", elem_id="pa-fb-item")
        with gr.Column(visible=False, elem_id="pa-fb-review") as review:
            expected = gr.Textbox(label="预期答案（审阅者）", lines=2, elem_id="pa-fb-expected")
            with gr.Row():
                kind = gr.Dropdown(choices=list(KINDS), value="lookup", label="题型", scale=2, elem_id="pa-fb-kind")
                source = gr.Textbox(label="答案所在文件", scale=3, max_lines=1, elem_id="pa-fb-source")
                label = gr.Textbox(label="条款编号", scale=2, max_lines=1, elem_id="pa-fb-label")
            with gr.Row():
                keys = gr.Textbox(label="答案关键词（用、或逗号分隔；数字照原文写）", scale=4, max_lines=1, elem_id="pa-fb-keys")
                unanswerable = gr.Checkbox(label="文件中没有答案（应拒答）", scale=2, elem_id="pa-fb-unanswerable")
            with gr.Row():
                mark = gr.Button("标记为已审阅", elem_id="pa-fb-mark")
                to_eval = gr.Button("审阅并加入评测集", variant="primary", elem_id="pa-fb-to-eval")

        def allowed(request: gr.Request, action: str, target: str = "") -> bool:
            return admin.allows(token_of(request), client_of(request), action, target)

        def listed(show_, reason_, document_):
            items = desk.store.items(_filter(show_, reason_, document_), LIST_ROWS)
            names = sorted({d for i in desk.store.items() for d in i.documents})
            choices = [(f"#{i.id} {VOTE_NAMES[i.rating.vote]} {i.given.question[:40]}", i.id) for i in items]
            return (render_list(items), gr.Dropdown(choices=choices, value=None),
                    gr.Dropdown(choices=[("全部文件", "")] + [(n, n) for n in names]))

        def on_refresh(show_, reason_, document_, request: gr.Request):
            if desk.store is None:
                return _notice(desk.off_notice), gr.skip(), gr.skip(), gr.skip()
            if not admin.valid(token_of(request)):  # anyone opening the tab: not an attempt worth an audit entry
                return "", _notice(LOGIN_FIRST if admin.enabled else NO_ADMIN_REVIEW), gr.Dropdown(choices=[], value=None), gr.skip()
            try:
                return "", *listed(show_, reason_, document_)
            except FeedbackUnavailable:
                return _notice(desk.off_notice or "记录文件暂时无法读取。"), gr.skip(), gr.skip(), gr.skip()

        filters = [show, reason, document]
        gr.on([tab.select, refresh.click, show.input, reason.input, document.input], on_refresh, inputs=filters,
              outputs=[message, listing, pick, document], api_visibility="private")

        def on_pick(item_id, request: gr.Request):
            hidden = ("", gr.Column(visible=False), *[gr.skip()] * 6)
            if desk.store is None or not isinstance(item_id, int) or not allowed(request, "feedback-view", f"#{item_id}"):
                return hidden
            item = desk.store.item(item_id)
            if item is None:
                return hidden
            draft = json.loads(item.eval_item) if item.eval_item else draft_eval_item(item)
            where = (draft.get("expected") or [{}])[0]
            return (render_item(item), gr.Column(visible=True), item.expected or item.rating.comment, draft["kind"],
                    where.get("source", ""), where.get("label", ""), "、".join(draft.get("keys", [])),
                    bool(draft["unanswerable"]))

        pick.input(on_pick, inputs=pick, outputs=[shown, review, expected, kind, source, label, keys, unanswerable],
                   api_visibility="private")

        def on_review(as_eval: bool, item_id, expected_, kind_, source_, label_, keys_, unanswerable_,
                      show_, reason_, document_, request: gr.Request):
            if desk.store is None:
                return _notice(desk.off_notice), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            if not allowed(request, "feedback-review", f"#{item_id}"):
                return _notice(NEED_LOGIN), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            try:
                item = desk.store.item(item_id)
                if item is None:
                    raise ReviewError("请先在“打开反馈”中选择一条反馈")
                eval_item = None
                if as_eval:
                    eval_item = eval_item_of(assistant, item, kind_, source_, label_, keys_, bool(unanswerable_))
                item = desk.store.review(item.id, expected_ if isinstance(expected_, str) else "", eval_item)
            except ReviewError as exc:
                return _notice(exc.reason), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            except FeedbackUnavailable:
                return _notice("记录文件暂时无法写入，审阅未保存。"), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            admin.note(client_of(request), "feedback-review", f"#{item.id}", "eval item" if as_eval else "reviewed")
            said = f"反馈 #{item.id} 已审阅" + ("，已加入评测集（导出后生效）。" if as_eval else "。")
            return _notice(said), render_item(item), *listed(show_, reason_, document_)

        fields = [pick, expected, kind, source, label, keys, unanswerable, *filters]
        outputs = [message, shown, listing, pick, document]
        def on_mark(item_id, expected_, kind_, source_, label_, keys_, unanswerable_, show_, reason_, document_,
                    request: gr.Request):
            return on_review(False, item_id, expected_, kind_, source_, label_, keys_, unanswerable_, show_, reason_,
                             document_, request)

        def on_to_eval(item_id, expected_, kind_, source_, label_, keys_, unanswerable_, show_, reason_, document_,
                       request: gr.Request):
            return on_review(True, item_id, expected_, kind_, source_, label_, keys_, unanswerable_, show_, reason_,
                             document_, request)

        mark.click(on_mark, inputs=fields, outputs=outputs, api_visibility="private")
        to_eval.click(on_to_eval, inputs=fields, outputs=outputs, api_visibility="private")

        def on_export(request: gr.Request):
            if desk.store is None:
                return _notice(desk.off_notice), gr.File(visible=False)
            if not allowed(request, "feedback-export"):
                return _notice(NEED_LOGIN), gr.File(visible=False)
            path = Path(tempfile.mkdtemp(prefix="pa-feedback-")) / "feedback.jsonl"
            try:
                count = desk.store.export(path)
            except FeedbackUnavailable:
                return _notice("记录文件暂时无法读取。"), gr.File(visible=False)
            admin.note(client_of(request), "feedback-export", "feedback.jsonl", f"{count} items")
            return (_notice(f"已导出 {count} 条评测条目；放到 eval/feedback.jsonl 后，"
                            "python -m assistant eval --set eval/feedback.jsonl 会逐条检查。"),
                    gr.File(value=str(path), visible=True))

        export.click(on_export, outputs=[message, exported], api_visibility="private")


def eval_item_of(assistant, item: FeedbackItem, kind: Any, source: Any, label: Any, keys: Any,
                 unanswerable: bool) -> dict:
    """The reviewer's evaluation item; the clause must be one the index has (its label as the outline has it)."""
    source = source.strip() if isinstance(source, str) else ""
    label = label.strip() if isinstance(label, str) else ""
    if source and label and not unanswerable:
        found = assistant.lookup(source, label)
        if not found:
            raise ReviewError(f"索引中没有“{source[:60]}”的条款“{label[:30]}”：请核对文件名和条款编号")
        label = found[0].label
    words = [k.strip() for k in (keys or "").replace("，", "、").replace(",", "、").split("、") if k.strip()]
    kind = kind if kind in KINDS else ""
    return draft_eval_item(item, "unanswerable" if unanswerable else kind, tuple(words), source, label, unanswerable)
