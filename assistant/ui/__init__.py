"""The browser UI: a Gradio Blocks app over assistant.service. It holds no retrieval logic.

Three layers, top to bottom:
- pure HTML renderers (strings in, escaped HTML out), testable without Gradio: assistant/ui/render.py,
  which escapes every piece of document text and every question;
- event handlers (module-level functions taking the Assistant first), testable without a browser;
- Gradio wiring (`build_app`) and the process entry point (`serve`).
"""
from __future__ import annotations

import os

# Before gradio is imported: no analytics, no version check, nothing fetched from the internet.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("GRADIO_TELEMETRY_ENABLED", "False")

import errno
import socket
import sys
import time
import traceback
from typing import Any, Iterator

import gradio as gr

from assistant.config import Config
from assistant.service import Assistant, InvalidQuestion
from assistant.ui.render import (  # the pure renderers; tests call them as ui.<name>
    CSS, EMPTY_DOCUMENT, EMPTY_SOURCES, OUTSIDE_CLAUSES, QUESTION_PREVIEW_CHARS, answer_blocks, ask_link,
    card_caption, citation_caption, containing_clause, document_meta, esc, esc_lines, highlight, mark_link,
    open_link, parse_quotes, quotes_attr, render_answer_message, render_document, render_notice, render_source_card,
    render_sources, render_user_message, streamed_chars, with_marks,
)

# ---------------------------------------------------------------------------------------------
# Texts shown to the user
# ---------------------------------------------------------------------------------------------

APP_TITLE = "规划文件问答助手"
EXAMPLES = (
    "2022年孕产妇死亡率的目标是多少？",
    "What does Qinzhou plan for 家庭医生签约?",
    "广州2023年计划培养多少名基层医生？",
    "云州区方案的二（二）4讲什么",
)
SEARCHING = "正在检索文件……"
FAILED = "抱歉，处理这个问题时出错了，请稍后重试。"

# Streaming: the answer appears a few characters at a time.
STREAM_CHUNK = 4  # characters per update, at least
STREAM_MAX_UPDATES = 60  # long answers take bigger steps, so streaming stays under about a second
STREAM_DELAY = 0.012  # seconds between updates; tests pass 0

# ---------------------------------------------------------------------------------------------
# Event handlers (no Gradio components needed to call them)
# ---------------------------------------------------------------------------------------------


def log_error(where: str) -> None:
    print(f"plan-assistant ui: error in {where}:\n{traceback.format_exc()}", file=sys.stderr, flush=True)


def _user(content: str) -> dict:
    return {"role": "user", "content": content}


def _bot(content: str) -> dict:
    return {"role": "assistant", "content": content}


def respond(assistant: Assistant, message: Any, chat: list | None, history: list | None,
            delay: float | None = None) -> Iterator[tuple[list, list, Any]]:
    """Answer `message` with the earlier questions as context, streaming the reply.

    Yields (chat messages, history, sources HTML or `gr.skip()`); the first update comes at
    once (the question and a 'searching' note), then the answer a few characters at a time.
    """
    delay = STREAM_DELAY if delay is None else delay
    chat = list(chat or [])
    history = [h for h in (history or []) if isinstance(h, str)]
    question = message if isinstance(message, str) else ""
    docs = assistant.documents
    if not question.strip():
        chat.append(_bot(render_notice("请输入问题后再发送。")))
        yield list(chat), list(history), gr.skip()
        return
    chat.append(_user(render_user_message(question)))
    chat.append(_bot(render_notice(SEARCHING)))
    yield list(chat), list(history), gr.skip()
    try:
        answer = assistant.ask(question, history)
    except InvalidQuestion as exc:
        chat[-1] = _bot(render_notice(exc.reason))
        yield list(chat), list(history), gr.skip()
        return
    except Exception:  # the page shows a short message; the details go to stderr
        log_error("ask")
        chat[-1] = _bot(render_notice(FAILED))
        yield list(chat), list(history), gr.skip()
        return
    history = history + [question]
    try:
        sources = render_sources(answer, docs, assistant.outline)
    except Exception:
        log_error("render_sources")
        sources = render_sources(None, docs)
    streamed = streamed_chars(answer)  # a list answer streams its lead; its list then comes whole
    step = max(STREAM_CHUNK, -(-streamed // STREAM_MAX_UPDATES))
    for shown in range(step, streamed, step):
        chat[-1] = _bot(render_answer_message(answer, shown))
        yield list(chat), list(history), sources
        if delay:
            time.sleep(delay)
    chat[-1] = _bot(render_answer_message(answer))
    yield list(chat), list(history), sources


def with_sources_tab(updates: Iterator[tuple]) -> Iterator[tuple]:
    """respond()'s updates plus the tab selection: the first one brings the sources panel forward."""
    for number, update in enumerate(updates):
        yield (*update, gr.Tabs(selected="sources") if number == 0 else gr.skip())


def new_conversation() -> tuple[list, list, str, str]:
    """Clear the chat, the earlier questions, the sources panel and the textbox."""
    return [], [], render_sources(None, {}), ""


def show_document(assistant: Assistant, source: Any, status: str = "") -> str:
    document = assistant.documents.get(source) if isinstance(source, str) else None
    if document is None:
        return render_document(None, (), status=status)
    return render_document(document, assistant.outline(source), status=status)


def open_clause(assistant: Assistant, source: Any, start: Any, quotes: Any = "") -> tuple[str, Any, str]:
    """The document view scrolled to the clause containing `start` (a citation click or an outline entry).

    Returns (document HTML, source for the dropdown, label for the label box).
    """
    try:
        document = assistant.documents.get(source) if isinstance(source, str) else None
        offset = int(start)
    except (TypeError, ValueError):
        document, offset = None, -1
    if document is None:
        return render_document(None, (), status="未找到该文件。"), gr.skip(), gr.skip()
    outline = assistant.outline(source)
    clause = containing_clause(outline, offset)
    if clause is None and 0 <= offset < len(document.text):  # a metadata value: shown marked where it stands
        return render_document(document, outline, focus=offset, quotes=parse_quotes(quotes),
                               status=OUTSIDE_CLAUSES), source, ""
    if clause is None:
        return render_document(document, outline, status="未找到该条款。"), source, ""
    return render_document(document, outline, focus=offset, quotes=parse_quotes(quotes)), source, clause.label


def lookup_clause(assistant: Assistant, source: Any, label: Any) -> str:
    """The document view at the clause a user typed (`二（三）2`, `（十一）`, `第三条`)."""
    document = assistant.documents.get(source) if isinstance(source, str) else None
    if document is None:
        return render_document(None, (), status="请先选择文件。")
    outline = assistant.outline(source)
    label = label.strip() if isinstance(label, str) else ""
    if not label:
        return render_document(document, outline, status="请输入条款编号，例如 二（三）2、（十一）、第三条。")
    if len(label) > 50:
        return render_document(document, outline, status="条款编号过长。")
    try:
        matches = assistant.lookup(source, label)
    except Exception:
        log_error("lookup")
        return render_document(document, outline, status=FAILED)
    if not matches:
        return render_document(document, outline, status=f"本文件中未找到条款“{label}”。")
    status = "" if len(matches) == 1 else f"找到 {len(matches)} 个匹配条款，显示第一个：" + "、".join(
        m.label for m in matches[:6]) + ("……" if len(matches) > 6 else "")
    return render_document(document, outline, focus=matches[0].start, status=status)


# ---------------------------------------------------------------------------------------------
# Gradio wiring
# ---------------------------------------------------------------------------------------------

# Installed once by a hidden gr.HTML: any a.pa-open link (citations in the chat and the sources
# panel, outline entries) opens its clause through that component's click event; any a.pa-ask
# link (the example questions of a help answer) asks its question through its submit event.
BRIDGE_JS = """
const openFrom = (event) => {
  const el = event.target && event.target.closest ? event.target.closest('a.pa-open, a.pa-ask') : null;
  if (!el) return;
  if (event.type === 'keydown' && event.key !== 'Enter' && event.key !== ' ') return;
  event.preventDefault();
  event.stopPropagation();
  const href = el.getAttribute('href') || '';
  const params = new URLSearchParams(href.slice(href.indexOf('?') + 1));
  if (el.classList.contains('pa-ask')) {
    trigger('submit', {question: params.get('q') || ''});
    return;
  }
  trigger('click', {source: params.get('s') || '', start: Number(params.get('at') || -1), quotes: params.get('q') || ''});
};
if (window.__paOpen) {
  document.removeEventListener('click', window.__paOpen, true);
  document.removeEventListener('keydown', window.__paOpen, true);
}
window.__paOpen = openFrom;
document.addEventListener('click', openFrom, true);
document.addEventListener('keydown', openFrom, true);
"""

# Runs in the browser before a question goes to the server: empties the textbox at once and
# passes the inputs (question, chat, history) on unchanged.
CLEAR_INPUT_JS = """
(...args) => {
  const box = document.querySelector('#pa-input textarea');
  if (box) { box.value = ''; box.dispatchEvent(new Event('input', {bubbles: true})); }
  return args.slice(0, 3);
}
"""

# Scroll the document pane (and, if needed, the page) to the highlighted clause or value once it is visible.
SCROLL_JS = """
() => {
  let tries = 0;
  const go = () => {
    const focus = document.querySelector('#pa-document .pa-focus');
    if (!focus) return;
    const pane = focus.closest('.pa-doc-text');
    if (!pane || pane.offsetParent === null) { if (tries++ < 40) setTimeout(go, 50); return; }
    const top = focus.getBoundingClientRect().top - pane.getBoundingClientRect().top + pane.scrollTop;
    pane.scrollTop = Math.max(0, top - 16);
    const nav = document.querySelector('#pa-document .pa-outline');
    const current = nav && nav.querySelector('.pa-current');
    if (nav) {  // the outline shows the current clause; with none (a metadata value), its top
      const t = current ? current.getBoundingClientRect().top - nav.getBoundingClientRect().top + nav.scrollTop : 0;
      nav.scrollTop = Math.max(0, t - nav.clientHeight / 3);
    }
    const r = pane.getBoundingClientRect();
    if (r.top < 0 || r.top > window.innerHeight - 120) pane.scrollIntoView({block: 'start'});
  };
  setTimeout(go, 0);
}
"""

THEME_FONTS = ["PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC",
               "WenQuanYi Micro Hei", "Segoe UI", "Helvetica Neue", "Arial", "sans-serif"]


def make_theme() -> gr.themes.Base:
    """System fonts only: nothing is fetched from Google Fonts or a CDN."""
    return gr.themes.Default(primary_hue="blue", font=THEME_FONTS,
                             font_mono=["SFMono-Regular", "Consolas", "DejaVu Sans Mono", "monospace"])


def launch_options() -> dict:
    """Everything `launch()` needs besides host and port; shared by serve() and the browser tests."""
    return {
        "theme": make_theme(),
        "css": CSS,
        "footer_links": [],
        "run_history": False,  # questions are not saved in the browser
        "show_error": False,
        "quiet": True,
        "share": False,
        "inbrowser": False,
    }


def build_app(assistant: Assistant) -> gr.Blocks:
    documents = assistant.documents
    doc_choices = [(d.title, source) for source, d in sorted(documents.items())]

    with gr.Blocks(title=APP_TITLE, analytics_enabled=False) as demo:
        history = gr.State([])  # this session's earlier questions, oldest first
        gr.HTML(f"<h1>{esc(APP_TITLE)}</h1><p>就卫生健康规划文件提问，回答会引用原文条款；点击引用可查看条款在文件中的位置。</p>",
                elem_id="pa-title")
        bridge = gr.HTML("", js_on_load=BRIDGE_JS, elem_id="pa-hidden", visible="hidden")
        with gr.Row(equal_height=False):
            with gr.Column(scale=5, min_width=360):
                chatbot = gr.Chatbot(
                    label="对话", elem_id="pa-chat", height=560, render_markdown=False, sanitize_html=True,
                    latex_delimiters=[], feedback_options=None, buttons=[], group_consecutive_messages=False,
                    examples=[{"text": q, "display_text": q} for q in EXAMPLES],
                    placeholder="<b>可以这样问：</b>点击下面的示例，或在下方输入问题。",
                )
                textbox = gr.Textbox(
                    show_label=False, placeholder="输入问题，按回车发送（Shift+回车换行）", lines=1, max_lines=6,
                    elem_id="pa-input", autofocus=True,
                )
                with gr.Row():
                    send = gr.Button("发送", variant="primary", elem_id="pa-send", scale=3)
                    clear = gr.Button("新对话", variant="secondary", elem_id="pa-new", scale=1)
            with gr.Column(scale=6, min_width=420):
                with gr.Tabs(selected="sources", elem_id="pa-tabs") as tabs:
                    with gr.Tab("来源", id="sources", elem_id="pa-sources-tab"):
                        sources = gr.HTML(render_sources(None, documents), elem_id="pa-sources")
                    with gr.Tab("文档", id="document", elem_id="pa-document-tab"):
                        with gr.Row(equal_height=False, elem_id="pa-lookup-row"):
                            doc_pick = gr.Dropdown(choices=doc_choices, value=None, label="文件", scale=4,
                                                   elem_id="pa-doc-pick", filterable=False)
                            label_box = gr.Textbox(label="条款编号", placeholder="如 二（三）2、（十一）、第三条",
                                                   scale=2, elem_id="pa-label-box", max_lines=1)
                            find = gr.Button("查找条款", scale=1, min_width=90, elem_id="pa-find")
                        document_view = gr.HTML(render_document(None, ()), elem_id="pa-document")

        def on_send(message, chat, past):
            yield from with_sources_tab(respond(assistant, message, chat, past))

        def on_example(chat, past, evt: gr.SelectData):  # an example of the empty chat
            value = evt.value if isinstance(evt.value, dict) else {}
            yield from with_sources_tab(respond(assistant, value.get("text", ""), chat, past))

        def on_ask_link(chat, past, evt: gr.EventData):  # an example question in a help answer (a.pa-ask)
            data = evt._data if isinstance(evt._data, dict) else {}
            yield from with_sources_tab(respond(assistant, data.get("question", ""), chat, past))

        answer_outputs = [chatbot, history, sources, tabs]
        # The textbox is emptied in the browser the moment a question is sent (CLEAR_INPUT_JS), so
        # a question typed while the previous answer streams is kept, and sent after it ("always_last").
        asked = gr.on([textbox.submit, send.click], on_send, inputs=[textbox, chatbot, history],
                      outputs=answer_outputs, js=CLEAR_INPUT_JS, trigger_mode="always_last",
                      concurrency_id="answer", show_progress="hidden", api_name="ask")
        asked_too = [
            event(handler, inputs=[chatbot, history], outputs=answer_outputs, trigger_mode="always_last",
                  concurrency_id="answer", show_progress="hidden", api_visibility="private")
            for event, handler in ((chatbot.example_select, on_example), (bridge.submit, on_ask_link))
        ]
        for trigger in (clear.click, chatbot.clear):  # the button and the chat's own trash icon
            trigger(new_conversation, outputs=[chatbot, history, sources, textbox], cancels=[asked, *asked_too],
                    queue=False, api_visibility="private")

        def on_open(evt: gr.EventData):
            data = evt._data if isinstance(evt._data, dict) else {}
            doc_html, source, label = open_clause(assistant, data.get("source"), data.get("start"), data.get("quotes"))
            return doc_html, source, label, gr.Tabs(selected="document")

        bridge.click(on_open, outputs=[document_view, doc_pick, label_box, tabs], show_progress="hidden",
                     api_visibility="private").then(None, js=SCROLL_JS)

        def on_pick(source):
            return show_document(assistant, source), ""

        doc_pick.input(on_pick, inputs=doc_pick, outputs=[document_view, label_box], show_progress="hidden",
                       api_visibility="private")

        def on_find(source, label):
            return lookup_clause(assistant, source, label)

        gr.on([find.click, label_box.submit], on_find, inputs=[doc_pick, label_box], outputs=document_view,
              show_progress="hidden", api_visibility="private").then(None, js=SCROLL_JS)
    return demo


# ---------------------------------------------------------------------------------------------
# Process entry point
# ---------------------------------------------------------------------------------------------


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            return exc.errno in (errno.EADDRINUSE, errno.EACCES)
    return False


def warm_up(assistant: Assistant) -> None:
    """Warm the assistant before the first user arrives; a failure here is logged, not fatal."""
    try:
        assistant.warm_up()
    except Exception:
        log_error("warm-up")


def serve(config: Config) -> int:
    """Open the assistant once, then serve the UI until interrupted. Returns an exit status."""
    host, port = config.host, int(config.port)
    if port_in_use(host, port):  # checked before the model loads, so the user hears at once
        print(f"error: 端口 {port} 已被占用（port {port} on {host} is in use）; 请用 --port 或 PLAN_PORT 换一个端口",
              file=sys.stderr)
        return 2
    assistant = Assistant.open(config, progress=True)
    warm_up(assistant)
    demo = build_app(assistant)
    demo.queue(default_concurrency_limit=2, max_size=64)
    try:
        demo.launch(server_name=host, server_port=port, prevent_thread_lock=True, **launch_options())
    except OSError as exc:  # the port was taken between the check and the launch
        print(f"error: 无法在 {host}:{port} 启动服务：{exc}", file=sys.stderr)
        return 2
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
    print(f"Plan Assistant UI: {url}  (Ctrl-C 退出)", file=sys.stderr, flush=True)
    demo.block_thread()  # until Ctrl-C
    return 0
