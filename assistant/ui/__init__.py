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
# Gradio's queue rebuilds a pandas table of its last GRADIO_ANALYTICS_MAX_EVENTS events after every
# GRADIO_ANALYTICS_CACHE_FREQUENCY-th event, for a monitoring page this app does not show: at the
# defaults (10000, 1) that is the costliest step of an answer once an office has asked a few thousand.
os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "500")
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "500")

import errno
import socket
import sys
import threading
import traceback
from contextlib import contextmanager
from typing import Any, Iterator

import gradio as gr
from starlette.middleware import Middleware

from assistant.config import Config
from assistant.service import Assistant, InvalidQuestion
from assistant.ui.render import (  # the pure renderers; tests call them as ui.<name>
    CSS, EMPTY_DOCUMENT, EMPTY_SOURCES, OUTSIDE_CLAUSES, QUESTION_PREVIEW_CHARS, answer_blocks, ask_link,
    card_caption, citation_caption, containing_clause, document_meta, esc, esc_lines, highlight, mark_link,
    open_link, page_break_gaps, page_note, parse_quotes, quotes_attr, render_answer_message, render_document, render_notice, render_source_card,
    render_sources, render_user_message, with_marks,
)
from assistant.collection import MAX_FILE_BYTES
from assistant.librarian import Librarian
from assistant.ui.documents import build_documents_tab, cookie_ok
from assistant.ui.limits import MAX_BODY_BYTES, Endpoints, RequestLimits
from assistant.ui.session import Session, Turn, session_of

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
FAILED = "抱歉，处理这个问题时出错了，请稍后重试。"
SESSION_TTL = 4 * 3600  # seconds a conversation is kept after its last answer
MAX_SESSIONS = 2000  # conversations kept at once (the oldest go first): at most ~1 GB of chats

# ---------------------------------------------------------------------------------------------
# Event handlers (no Gradio components needed to call them)
# ---------------------------------------------------------------------------------------------


BUSY = "上一个问题还在回答中，请稍候再问。"


def log_error(where: str) -> None:
    print(f"plan-assistant ui: error in {where}:\n{traceback.format_exc()}", file=sys.stderr, flush=True)


def respond(assistant: Assistant, message: Any, session: Any) -> tuple[list, Session, Any]:
    """Answer `message` with the session's earlier questions as context.

    Returns (chat messages, the session with this turn, sources HTML or `gr.skip()`): the answer
    goes out whole as soon as it is composed, in one update (nothing here is produced over time,
    so nothing is trickled out; a question waiting in the queue shows its place instead).
    """
    session = session_of(session)
    question = message if isinstance(message, str) else ""
    if not question.strip():
        session = session.add(Turn("", "", render_notice("请输入问题后再发送。"), answered=False))
        return session.messages(), session, gr.skip()
    question_html = render_user_message(question)
    try:
        answer = assistant.ask(question, session.questions)
    except InvalidQuestion as exc:
        session = session.add(Turn(question, question_html, render_notice(exc.reason), answered=False))
        return session.messages(), session, gr.skip()
    except Exception:  # the page shows a short message; the details go to stderr
        log_error("ask")
        session = session.add(Turn(question, question_html, render_notice(FAILED), answered=False))
        return session.messages(), session, gr.skip()
    try:
        sources = render_sources(answer, assistant.documents, assistant.outline)
    except Exception:
        log_error("render_sources")
        sources = render_sources(None, assistant.documents)
    session = session.add(Turn(question, question_html, render_answer_message(answer), answered=True))
    return session.messages(), session, sources


class InFlight:
    """The sessions with an answer being composed: each gets one at a time, so no client can take
    every worker, and two answers of one session cannot race to update its conversation."""

    def __init__(self):
        self._lock = threading.Lock()
        self._sessions: set[str] = set()

    @contextmanager
    def claim(self, session_id: str | None) -> Iterator[bool]:
        with self._lock:
            free = session_id is None or session_id not in self._sessions
            if free and session_id is not None:
                self._sessions.add(session_id)
        try:
            yield free
        finally:
            if free and session_id is not None:
                with self._lock:
                    self._sessions.discard(session_id)


def respond_in_turn(assistant: Assistant, in_flight: InFlight, session_id: str | None, message: Any,
                    session: Any) -> tuple[list, Session, Any]:
    """respond(), unless this session already has an answer under way (then a one-line notice)."""
    with in_flight.claim(session_id) as free:
        if free:
            return respond(assistant, message, session)
    session = session_of(session)
    pending = (render_user_message(message if isinstance(message, str) else ""), render_notice(BUSY))
    return session.messages(pending=pending), session, gr.skip()


def new_conversation() -> tuple[list, Session, str, str]:
    """Clear the chat, the session's conversation, the sources panel and the textbox."""
    return [], Session(), render_sources(None, {}), ""


def document_choices(assistant: Assistant) -> list[tuple[str, str]]:
    """(title, file name) of each document, for the document picker."""
    return [(d.title, source) for source, d in sorted(assistant.documents.items())]


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
    return render_document(document, outline, focus=offset, quotes=parse_quotes(quotes),
                           page_image=assistant.page_image(source, offset)), source, clause.label


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

# Runs in the browser before a question goes to the server: brings the sources panel forward
# (its citations are about to change) and passes the event's inputs on unchanged.
SHOW_SOURCES_JS = """
(...args) => {
  const tab = document.querySelector('#pa-sources-tab-button');
  if (tab && tab.getAttribute('aria-selected') !== 'true') tab.click();
  return args;
}
"""

# The same for a typed question, which also empties the textbox at once, unless the question is
# too long to be answered: then it stays there to be shortened (the chat says why).
SEND_JS = """
(...args) => {
  const tab = document.querySelector('#pa-sources-tab-button');
  if (tab && tab.getAttribute('aria-selected') !== 'true') tab.click();
  const box = document.querySelector('#pa-input textarea');
  if (box && box.value.trim().length <= MAX_QUESTION_CHARS) {
    box.value = ''; box.dispatchEvent(new Event('input', {bubbles: true}));
  }
  return args;
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


def launch_options(demo: gr.Blocks | None = None, config: Config | None = None) -> dict:
    """Everything `launch()` needs besides host and port."""
    config = config or Config()
    limits = Middleware(RequestLimits, max_body_bytes=MAX_BODY_BYTES, max_question_chars=config.max_question_chars,
                        endpoints=lambda: endpoints_of(demo), may_upload=lambda cookie: cookie_ok(config, cookie),
                        max_upload_bytes=MAX_FILE_BYTES * 2)  # a batch of files in one request
    return {
        "theme": make_theme(),
        "css": CSS,
        "footer_links": [],
        "run_history": False,  # questions are not saved in the browser
        "show_error": False,
        "quiet": True,
        "share": False,
        "inbrowser": False,
        "max_file_size": MAX_FILE_BYTES,  # per file; the route is closed to all but the admin (RequestLimits)
        "state_session_capacity": MAX_SESSIONS,
        "app_kwargs": {"middleware": [limits]},
    }


def endpoints_of(demo: gr.Blocks | None) -> Endpoints:
    """The app's endpoints as its queue knows them (RequestLimits checks calls against them)."""
    fns = demo.fns if demo is not None else {}
    ask = next((fn_id for fn_id, fn in fns.items() if fn.api_name == "ask"), None)
    return Endpoints(ask, {fn_id: len(fn.inputs) for fn_id, fn in fns.items()})


def launch(assistant: Assistant, config: Config, host: str, port: int) -> gr.Blocks:
    """Build the app and serve it in the background on host:port (OSError if the port is taken)."""
    demo = build_app(assistant)
    demo.queue(default_concurrency_limit=config.queue_concurrency, max_size=config.queue_size)
    demo.launch(server_name=host, server_port=port, prevent_thread_lock=True, **launch_options(demo, config))
    return demo


def build_app(assistant: Assistant, librarian: Librarian | None = None) -> gr.Blocks:
    documents = assistant.documents
    librarian = librarian or Librarian(assistant)

    with gr.Blocks(title=APP_TITLE, analytics_enabled=False) as demo:
        # This session's conversation, kept on the server (the client sends only its new question),
        # forgotten SESSION_TTL seconds after its last answer.
        conversation = gr.State(Session(), time_to_live=SESSION_TTL)
        in_flight = InFlight()
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
                            doc_pick = gr.Dropdown(choices=document_choices(assistant), value=None, label="文件", scale=4,
                                                   elem_id="pa-doc-pick", filterable=False)
                            label_box = gr.Textbox(label="条款编号", placeholder="如 二（三）2、（十一）、第三条",
                                                   scale=2, elem_id="pa-label-box", max_lines=1)
                            find = gr.Button("查找条款", scale=1, min_width=90, elem_id="pa-find")
                        document_view = gr.HTML(render_document(None, ()), elem_id="pa-document")
                    build_documents_tab(librarian, assistant.config)

        def answer(message, session, request: gr.Request):  # `message`: the name scripts pass it by
            return respond_in_turn(assistant, in_flight, getattr(request, "session_hash", None), message, session)

        def on_example(session, evt: gr.SelectData, request: gr.Request):  # an example of the empty chat
            value = evt.value if isinstance(evt.value, dict) else {}
            return answer(value.get("text", ""), session, request)

        def on_ask_link(session, evt: gr.EventData, request: gr.Request):  # an example question in a help answer
            data = evt._data if isinstance(evt._data, dict) else {}
            return answer(data.get("question", ""), session, request)

        answer_outputs = [chatbot, conversation, sources]
        # The textbox is emptied in the browser the moment a question is sent (SEND_JS), so a question
        # typed while the previous one is answered is kept, and sent after it ("always_last").
        # While a question waits in the queue, the chat shows its place ("minimal" progress).
        send_js = SEND_JS.replace("MAX_QUESTION_CHARS", str(int(assistant.config.max_question_chars)))
        asked = gr.on([textbox.submit, send.click], answer, inputs=[textbox, conversation],
                      outputs=answer_outputs, js=send_js, trigger_mode="always_last",
                      concurrency_id="answer", show_progress="minimal", api_name="ask")
        asked_too = [
            event(handler, inputs=[conversation], outputs=answer_outputs, js=SHOW_SOURCES_JS,
                  trigger_mode="always_last", concurrency_id="answer", show_progress="minimal",
                  api_visibility="private")
            for event, handler in ((chatbot.example_select, on_example), (bridge.submit, on_ask_link))
        ]
        for trigger in (clear.click, chatbot.clear):  # the button and the chat's own trash icon
            trigger(new_conversation, outputs=[chatbot, conversation, sources, textbox], cancels=[asked, *asked_too],
                    queue=False, api_visibility="private")

        def on_open(evt: gr.EventData):
            data = evt._data if isinstance(evt._data, dict) else {}
            doc_html, source, label = open_clause(assistant, data.get("source"), data.get("start"), data.get("quotes"))
            if isinstance(source, str):  # the picker lists the documents as they are now (some may be new)
                source = gr.Dropdown(choices=document_choices(assistant), value=source)
            return doc_html, source, label, gr.Tabs(selected="document")

        bridge.click(on_open, outputs=[document_view, doc_pick, label_box, tabs], show_progress="hidden",
                     api_visibility="private").then(None, js=SCROLL_JS)

        def on_pick(source):
            return show_document(assistant, source), ""

        doc_pick.input(on_pick, inputs=doc_pick, outputs=[document_view, label_box], show_progress="hidden",
                       api_visibility="private")

        def on_find(source, label):
            return lookup_clause(assistant, source, label)

        def on_load():  # the documents as they are now: the index may have been brought up to date since start
            return gr.Dropdown(choices=document_choices(assistant))

        demo.load(on_load, outputs=doc_pick, show_progress="hidden", api_visibility="private")

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
    assistant = Assistant.open_for_serving(config, progress=True)
    warm_up(assistant)
    try:
        demo = launch(assistant, config, host, port)
    except OSError as exc:  # the port was taken between the check and the launch
        print(f"error: 无法在 {host}:{port} 启动服务：{exc}", file=sys.stderr)
        return 2
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
    print(f"Plan Assistant UI: {url}  (Ctrl-C 退出)", file=sys.stderr, flush=True)
    demo.block_thread()  # until Ctrl-C
    return 0
