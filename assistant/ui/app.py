"""The Gradio app: layout and events (`build_app`), launch options, and the process entry point (`serve`).
The handlers it wires are in chat.py, viewer.py and documents.py; the CSS and scripts in static/."""
from __future__ import annotations

import errno
import functools
import socket
import sys
import warnings

import gradio as gr
from fastapi.responses import ORJSONResponse
from gradio.routes import App
from starlette.middleware import Middleware

from assistant.admin import Admin

# The app answers with ORJSONResponse as Gradio's own does; newer FastAPI warns on every first request that it is
# deprecated, a line in the terminal of everyone serving that says nothing they can act on.
warnings.filterwarnings("ignore", message="ORJSONResponse is deprecated")
from assistant.collection import MAX_FILE_BYTES
from assistant.config import Config
from assistant.librarian import Librarian
from assistant.records import Records
from assistant.service import Assistant
from assistant.ui.admin_http import add_admin_routes, token_in_header
from assistant.ui.chat import InFlight, log_error, new_conversation, respond_in_turn, respond_stream_in_turn
from assistant.ui.documents import build_documents_tab
from assistant.ui.export_http import add_export_routes
from assistant.ui.feedback_tab import build_feedback_tab
from assistant.ui.rating import FeedbackDesk, open_records
from assistant.ui.rating_form import build_rating_form
from assistant.ui.rating_http import add_rating_route
from assistant.ui.guard import Guard, default_hosts, parse_list
from assistant.ui.indicators import build_indicators_tab
from assistant.ui.limits import MAX_BODY_BYTES, Endpoints, RequestLimits
from assistant.ui.render import esc
from assistant.ui.sources import render_document, render_sources
from assistant.ui.session import Session
from assistant.ui.static import asset
from assistant.ui.viewer import document_choices, lookup_clause, open_clause, show_document

APP_TITLE = "规划文件问答助手"
SESSION_TTL = 4 * 3600  # seconds a conversation is kept after its last answer
MAX_SESSIONS = 2000  # conversations kept at once (the oldest go first): at most ~1 GB of chats


THEME_FONTS = ["PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC",
               "WenQuanYi Micro Hei", "Segoe UI", "Helvetica Neue", "Arial", "sans-serif"]


def make_theme() -> gr.themes.Base:
    """System fonts only: nothing is fetched from Google Fonts or a CDN."""
    return gr.themes.Default(primary_hue="blue", font=THEME_FONTS,
                             font_mono=["SFMono-Regular", "Consolas", "DejaVu Sans Mono", "monospace"])


def launch_options() -> dict:
    """Everything `launch()` needs besides host, port and the server app (`server_app`)."""
    return {
        "theme": make_theme(),
        "css": asset("app.css"),
        "footer_links": [],
        "run_history": False,  # questions are not saved in the browser
        "show_error": False,
        "quiet": True,
        "share": False,
        "inbrowser": False,
        "max_file_size": MAX_FILE_BYTES,  # per file; the route is closed to all but the admin (RequestLimits)
        "state_session_capacity": MAX_SESSIONS,
    }


class GuardedApp(App):
    """Gradio's own app, with `guard` wrapped around its whole middleware stack. Gradio adds its CORS
    middleware outside any middleware passed in, and that one grants credentials to any Origin for a
    non-localhost Host; Starlette builds the stack once, on the first request, through this method."""

    guard = staticmethod(lambda inner: inner)

    def build_middleware_stack(self):
        return self.guard(super().build_middleware_stack())


def server_app(demo: gr.Blocks, config: Config, admin: Admin, host: str, desk: FeedbackDesk | None = None) -> App:
    """The app Gradio serves `demo` on: the guard (hosts, origins, frames, closed routes), then the request
    limits, the admin's login routes, rating and the answers' export links, then Gradio's routes."""
    limits = Middleware(RequestLimits, max_body_bytes=MAX_BODY_BYTES, max_question_chars=config.max_question_chars,
                        endpoints=lambda: endpoints_of(demo),
                        may_upload=lambda cookie, client: admin.allows(token_in_header(cookie), client, "upload-file"),
                        max_upload_bytes=MAX_FILE_BYTES * 2)  # a batch of files in one request
    app = GuardedApp(default_response_class=ORJSONResponse, middleware=[limits])  # as Gradio makes its own
    hosts = parse_list(config.allowed_hosts) or default_hosts(host)
    app.guard = lambda inner: Guard(inner, hosts, parse_list(config.allowed_origins))
    add_admin_routes(app, admin)
    if desk is not None:
        add_rating_route(app, desk)
        add_export_routes(app, desk)
    return app


def open_admin(config: Config, records: Records | None, problem: str = "") -> Admin:
    """The server's admin logins; the audit trail is written only when there is a secret to log in with (and
    no login is let in while the records file cannot take the trail: `problem`)."""
    has_secret = bool(config.admin_secret or config.admin_secret_file)
    return Admin(config, records if has_secret else None, records_problem=problem if has_secret else "")


def endpoints_of(demo: gr.Blocks | None) -> Endpoints:
    """The app's endpoints as its queue knows them (RequestLimits checks calls against them)."""
    fns = demo.fns if demo is not None else {}
    ask = next((fn_id for fn_id, fn in fns.items() if fn.api_name == "ask"), None)
    return Endpoints(ask, {fn_id: len(fn.inputs) for fn_id, fn in fns.items()},
                     frozenset(fn_id for fn_id, fn in fns.items() if not fn.queue))


def launch(assistant: Assistant, config: Config, host: str, port: int) -> gr.Blocks:
    """Build the app and serve it in the background on host:port (OSError if the port is taken)."""
    records, problem = open_records(config)  # a damaged or locked file: one line, the chat answers, feedback off
    admin = open_admin(config, records, problem)
    desk = FeedbackDesk.open(config, records, problem, assistant.lookup)
    demo = build_app(assistant, admin=admin, desk=desk)
    # A prose answer mostly waits on the model's endpoint: those streams get workers of their own, while
    # Assistant.ask_stream keeps the composing itself to queue_concurrency at once.
    streams = int(config.llm_streams) if assistant.generator is not None else 0
    demo.queue(default_concurrency_limit=int(config.queue_concurrency) + streams, max_size=config.queue_size)
    demo.launch(server_name=host, server_port=port, prevent_thread_lock=True,
                _app=server_app(demo, config, admin, host, desk), **launch_options())
    return demo


def build_app(assistant: Assistant, librarian: Librarian | None = None, admin: Admin | None = None,
              desk: FeedbackDesk | None = None) -> gr.Blocks:
    documents = assistant.documents
    librarian = librarian or Librarian(assistant)
    admin = admin or Admin(assistant.config)
    desk = desk or FeedbackDesk(None, "本服务未打开记录文件")

    with gr.Blocks(title=APP_TITLE, analytics_enabled=False) as demo:
        # This session's conversation, kept on the server (the client sends only its new question),
        # forgotten SESSION_TTL seconds after its last answer.
        conversation = gr.State(Session(), time_to_live=SESSION_TTL)
        in_flight = InFlight()
        gr.HTML(f"<h1>{esc(APP_TITLE)}</h1><p>就卫生健康规划文件提问，回答会引用原文条款；点击引用可查看条款在文件中的位置。</p>",
                elem_id="pa-title")
        bridge = gr.HTML("", js_on_load=asset("bridge.js"), elem_id="pa-hidden", visible="hidden")
        with gr.Row(equal_height=False):
            with gr.Column(scale=5, min_width=360):
                chatbot = gr.Chatbot(
                    label="对话", elem_id="pa-chat", height=560, render_markdown=False, sanitize_html=True,
                    latex_delimiters=[], feedback_options=None, buttons=[], group_consecutive_messages=False,
                    # made from the collection served (its titles and targets): they answer whatever it holds
                    examples=[{"text": q, "display_text": q} for q in assistant.example_questions()],
                    placeholder="<b>可以这样问：</b>点击下面的示例，或在下方输入问题。",
                )
                textbox = gr.Textbox(
                    show_label=False, placeholder="输入问题，按回车发送（Shift+回车换行）", lines=1, max_lines=6,
                    elem_id="pa-input", autofocus=True,
                )
                with gr.Row():
                    send = gr.Button("发送", variant="primary", elem_id="pa-send", scale=3)
                    clear = gr.Button("新对话", variant="secondary", elem_id="pa-new", scale=1)
                    folders = collection_choices(assistant)
                    collection = gr.Dropdown(choices=folders, value="", label="只问这个文件夹", scale=2,
                                             elem_id="pa-collection", filterable=True, visible=len(folders) > 1)
                build_rating_form(assistant, desk)
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
                    load_indicators, indicator_outputs = build_indicators_tab(assistant)
                    build_documents_tab(librarian, admin)
                    build_feedback_tab(assistant, admin, desk)

        respond = respond_in_turn if assistant.generator is None else respond_stream_in_turn

        def answer(message, session, folder="", request: gr.Request = None):  # `message`: the name scripts pass it by
            return respond(assistant, in_flight, getattr(request, "session_hash", None), message, session, folder, desk)

        def on_example(session, folder, evt: gr.SelectData, request: gr.Request):  # an example of the empty chat
            value = evt.value if isinstance(evt.value, dict) else {}
            return answer(value.get("text", ""), session, folder, request)

        def on_ask_link(session, folder, evt: gr.EventData, request: gr.Request):  # an example question in a help answer
            data = evt._data if isinstance(evt._data, dict) else {}
            return answer(data.get("question", ""), session, folder, request)

        if assistant.generator is not None:  # prose streams: each yield goes to the browser
            answer, on_example, on_ask_link = streamed(answer), streamed(on_example), streamed(on_ask_link)

        answer_outputs = [chatbot, conversation, sources]
        # The textbox is emptied in the browser the moment a question is sent (before_answer.js), so a
        # question typed while the previous one is answered is kept, and sent after it ("always_last").
        # While a question waits in the queue, the chat shows its place ("minimal" progress).
        limit = int(assistant.config.max_question_chars)
        send_js = asset("before_answer.js", CLEAR_INPUT="true", MAX_QUESTION_CHARS=limit)
        show_sources_js = asset("before_answer.js", CLEAR_INPUT="false", MAX_QUESTION_CHARS=limit)
        asked = gr.on([textbox.submit, send.click], answer, inputs=[textbox, conversation, collection],
                      outputs=answer_outputs, js=send_js, trigger_mode="always_last",
                      concurrency_id="answer", show_progress="minimal", api_name="ask")
        asked_too = [
            event(handler, inputs=[conversation, collection], outputs=answer_outputs, js=show_sources_js,
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
                     api_visibility="private").then(None, js=asset("scroll.js"))

        def on_pick(source):
            return show_document(assistant, source), ""

        doc_pick.input(on_pick, inputs=doc_pick, outputs=[document_view, label_box], show_progress="hidden",
                       api_visibility="private")

        def on_find(source, label):
            return lookup_clause(assistant, source, label)

        def on_load():  # the documents as they are now: the index may have been brought up to date since start
            folders = collection_choices(assistant)
            return gr.Dropdown(choices=document_choices(assistant)), gr.Dropdown(choices=folders, visible=len(folders) > 1)

        demo.load(on_load, outputs=[doc_pick, collection], show_progress="hidden", api_visibility="private")
        demo.load(load_indicators, outputs=indicator_outputs, show_progress="hidden", api_visibility="private")

        gr.on([find.click, label_box.submit], on_find, inputs=[doc_pick, label_box], outputs=document_view,
              show_progress="hidden", api_visibility="private").then(None, js=asset("scroll.js"))
    return demo


def collection_choices(assistant: Assistant) -> list[tuple[str, str]]:
    """The picker beside the question box: the whole library, then each folder (sub-folders indented)."""
    choices = [("全部文件", "")]
    for folder in assistant.collections():
        depth = folder.count(" › ")
        choices.append(("\u3000" * depth + folder.rsplit(" › ", 1)[-1], folder))
    return choices


def streamed(handler):
    """`handler`, which returns a generator, as a generator function: Gradio streams only those, and reads
    the handler's parameters (what to inject) through functools.wraps."""
    @functools.wraps(handler)
    def stream(*args, **kwargs):
        yield from handler(*args, **kwargs)

    return stream


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
    if host in ("0.0.0.0", "::") and not config.allowed_hosts:
        print("note: 其他电脑须用本机名访问：请用 --allowed-hosts 列出它们用的主机名或地址（如 plan.office.lan,192.168.1.5）；"
              "否则只接受 localhost 和 127.0.0.1", file=sys.stderr, flush=True)
    demo.block_thread()  # until Ctrl-C
    return 0
