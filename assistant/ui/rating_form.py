"""The 👍 / 👎 of each answer in the chat, and the short form 👎 opens (inside the app's gr.Blocks, under the
question box). The links under an answer are handled by static/answer_tools.js: 👍 posts the rating to the
server's route (ui/rating_http.py) and shows the reply beside it; 👎 tells the server which answer through a
hidden component's click event, which opens the form; the form's 提交 posts to the same route
(static/rate_submit.js). Every rating names the answer by the id the server gave it and is refused unless this
session was given that answer (ui/rating.py decides, and stores it).
"""
from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.feedback import REASONS
from assistant.ui.rating import NOT_YOURS, SAVED_PREFIX, FeedbackDesk
from assistant.ui.render import esc
from assistant.ui.static import asset


def message_html(text: str) -> str:
    if not text:
        return ""
    kind = "pa-rate-saved" if text.startswith(SAVED_PREFIX) else "pa-rate-refused"
    return f'<div class="pa-msg pa-notice {kind}">{esc(text)}</div>'


def build_rating_form(assistant, desk: FeedbackDesk) -> None:
    bridge = gr.HTML("", js_on_load=asset("answer_tools.js"), elem_id="pa-tools-bridge", visible="hidden")
    message = gr.HTML(message_html(desk.off_notice), elem_id="pa-rate-message")
    rated = gr.Textbox(visible=False, elem_id="pa-rate-answer")  # the answer the form is about
    with gr.Group(visible=False, elem_id="pa-rate-form") as form:
        gr.HTML('<div class="pa-rate-head">这个回答哪里不对？（选一项，其余可不填）</div>')
        reason = gr.Radio(choices=[(text, key) for key, text in REASONS.items()], label="原因", elem_id="pa-rate-reason")
        comment = gr.Textbox(label="正确的答案（可选）", lines=2, max_lines=6, elem_id="pa-rate-comment")
        clause = gr.Dropdown(choices=[], value=None, label="答案所在条款（可选：从本回答的来源中选，或在下面输入）",
                             elem_id="pa-rate-clause", filterable=False)
        with gr.Row():
            source = gr.Textbox(label="文件名", max_lines=1, scale=3, elem_id="pa-rate-source",
                                placeholder="如 000_a7ee23972fa017a8.txt")
            label = gr.Textbox(label="条款编号", max_lines=1, scale=2, elem_id="pa-rate-label", placeholder="如 一（三）")
        name = gr.Textbox(label="姓名（可选）", max_lines=1, visible=desk.ask_names, elem_id="pa-rate-name")
        with gr.Row():
            send = gr.Button("提交反馈", variant="primary", elem_id="pa-rate-send")
            cancel = gr.Button("取消", elem_id="pa-rate-cancel")

    def on_vote(evt: gr.EventData, request: gr.Request):  # 👎: the form, with this answer's sources to pick from
        data = evt._data if isinstance(evt._data, dict) else {}
        unchanged = [gr.skip()] * 7
        if desk.store is None:
            return message_html(desk.off_notice), *unchanged
        given = desk.given.of_session(data.get("answer"), getattr(request, "session_hash", None) or "")
        if given is None:
            return message_html(NOT_YOURS), *unchanged
        choices = [(f"[{c.number}] 《{c.title}》 {c.label}", str(c.number)) for c in given.citations]
        return ("", gr.Group(visible=True), given.id, None, "", gr.Dropdown(choices=choices, value=None), "", "")

    bridge.click(on_vote, outputs=[message, form, rated, reason, comment, clause, source, label],
                 show_progress="hidden", api_visibility="private")

    def on_clause(number: Any, answer_id: Any, request: gr.Request):
        given = desk.given.of_session(answer_id, getattr(request, "session_hash", None) or "")
        picked = next((c for c in given.citations if str(c.number) == number), None) if given else None
        return (picked.source, picked.label) if picked else (gr.skip(), gr.skip())

    clause.input(on_clause, inputs=[clause, rated], outputs=[source, label], show_progress="hidden",
                 api_visibility="private")

    # 提交 runs in the browser only: it posts the rating to the server's route (ui/rating_http.py) and shows the
    # reply; then the form closes if the rating was saved (its answer id is emptied), or stays open to be mended.
    send.click(None, inputs=[rated, reason, comment, source, label, name], outputs=[message, rated],
               js=asset("rate_submit.js")).then(
        lambda still: gr.Group(visible=bool(still)), inputs=rated, outputs=form, queue=False, api_visibility="private")
    cancel.click(lambda: (gr.Group(visible=False), ""), outputs=[form, rated], queue=False, api_visibility="private")
