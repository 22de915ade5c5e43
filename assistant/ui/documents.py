"""The 文档管理 tab: the collection's documents and their state for everyone; uploading, deleting and
re-indexing for an admin, i.e. someone who typed the secret the server was started with
(`--admin-secret` / PLAN_ADMIN_SECRET). Without a secret the tab only lists the documents.

Uploads go through Gradio's upload route, which RequestLimits keeps closed except for a browser that
carries the admin cookie (an HMAC of the secret, set after the secret was checked here), and each
handler checks the session's admin flag again. The work itself is the Librarian's: checks, copying,
one background build at a time, then the switch to the new index.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import gradio as gr
from gradio_client.utils import strip_invalid_filename_characters

from assistant.config import Config
from assistant.ingest import suffixes
from assistant.librarian import STATUS_NAMES, FileState, Librarian
from assistant.ui.render import esc
from assistant.ui.static import asset
from assistant.ui.wording import zh_outcome, zh_reason

ADMIN_COOKIE = "pa_admin"
LOCKED = "文档管理未开启：启动服务时设置管理密码（--admin-secret 或环境变量 PLAN_ADMIN_SECRET）后，管理员可在此上传和删除文件。"
NEED_LOGIN = "请先输入管理密码。"
MAX_TREE_FILES = 5000  # relative paths taken from the browser for one uploaded folder


def admin_token(secret: str) -> str:
    """What the admin cookie carries: not the secret itself, but a keyed hash of it."""
    return hmac.new(secret.encode("utf-8"), b"plan-assistant admin uploads", hashlib.sha256).hexdigest()


def secret_ok(config: Config, given: Any) -> bool:
    return bool(config.admin_secret) and isinstance(given, str) and hmac.compare_digest(
        given.encode("utf-8"), config.admin_secret.encode("utf-8"))


def cookie_ok(config: Config, cookie_header: str) -> bool:
    """Whether a request's Cookie header carries the admin token (checked by RequestLimits for uploads)."""
    if not config.admin_secret:
        return False
    want = admin_token(config.admin_secret)
    for part in cookie_header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == ADMIN_COOKIE and hmac.compare_digest(value.encode(), want.encode()):
            return True
    return False


def render_states(states: list[FileState], busy: bool, error: str = "") -> str:
    """The documents and what is happening to each, as an escaped HTML table with progress bars."""
    rows = []
    for s in states:
        progress = ""
        if s.status in ("reading", "embedding") and s.total:
            share = min(100, round(100 * s.done / s.total))
            progress = (f'<progress class="pa-progress" max="100" value="{share}"></progress>'
                        f' <span class="pa-note">{s.done}/{s.total}</span>')
        reason = f'<div class="pa-note">{esc(zh_reason(s.reason))}</div>' if s.reason else ""
        rows.append(f'<tr class="pa-state-{esc(s.status)}" data-name="{esc(s.name)}"><td>{esc(s.name)}</td>'
                    f'<td>{esc(STATUS_NAMES.get(s.status, s.status))} {progress}{reason}</td></tr>')
    head = "正在更新索引……（更新期间仍按原索引回答）" if busy else "索引已是最新。"
    failed = f'<div class="pa-doc-status">索引更新失败：{esc(zh_reason(error))}</div>' if error else ""
    return (f'<div class="pa-manage"><div class="pa-manage-head">{head}</div>{failed}'
            f'<table class="pa-states"><thead><tr><th>文件</th><th>状态</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def status_html(librarian: Librarian) -> str:
    return render_states(librarian.states(), librarian.busy(), librarian.last_error)


def notice(text: str) -> str:
    return f'<div class="pa-msg pa-notice">{esc(text)}</div>'


def login(config: Config, secret: Any) -> tuple[bool, str, str]:
    """(admin?, message, token for the cookie or '')."""
    if not config.admin_secret:
        return False, notice(LOCKED), ""
    if not secret_ok(config, secret):
        return False, notice("管理密码不正确。"), ""
    return True, notice("已登录为管理员：可以上传、删除文件和重新索引。"), admin_token(config.admin_secret)


def upload(librarian: Librarian, admin: Any, paths: Any, folder: Any = "", tree: Any = None,
           tree_names: Any = "") -> str:
    """Take the uploaded files and the files of an uploaded folder (Gradio's temporary copies, deleted here)
    into the collection, into the library's sub-folder `folder` when one is typed. A folder's files keep
    their places in it ('通知/2023/x.doc'): `tree_names` is the browser's list of their relative paths."""
    files = [p for p in (paths or []) if isinstance(p, str)]
    in_tree = [p for p in (tree or []) if isinstance(p, str)]
    try:
        if admin is not True:
            return notice(NEED_LOGIN)
        if not files and not in_tree:
            return notice("请先选择要上传的文件或文件夹。")
        names = [Path(p).name for p in files] + tree_places(in_tree, tree_names)
        batch = [(name, Path(path).read_bytes()) for name, path in zip(names, files + in_tree)]
        outcomes = librarian.add(batch, folder if isinstance(folder, str) else "")
    finally:
        for path in files + in_tree:
            Path(path).unlink(missing_ok=True)
    shown = [zh_outcome(o) for o in outcomes if o.status != "skipped"]
    skipped = [o for o in outcomes if o.status == "skipped"]
    if skipped:  # a folder's lock files and hidden files: counted, each listed, after what matters
        shown.append(f"跳过 {len(skipped)} 个文件：" + "、".join(zh_outcome(o) for o in skipped))
    return notice("；".join(shown))


def tree_places(uploaded: list[str], tree_names: Any) -> list[str]:
    """Each uploaded file of a folder as its path in that folder. Gradio keeps only a file's own name (made safe
    for the disk), so the browser sends the relative paths (`webkitRelativePath`) alongside, and each upload is
    matched to the first unused path whose name, made safe the same way, is its own; one not matched keeps its
    name, at the top of the folder it is put in."""
    try:
        relative = [n for n in json.loads(tree_names or "[]") if isinstance(n, str)][:MAX_TREE_FILES]
    except (ValueError, TypeError):
        relative = []
    waiting: dict[str, list[str]] = {}
    for name in relative:
        waiting.setdefault(strip_invalid_filename_characters(name.rsplit("/", 1)[-1]), []).append(name)
    return [(waiting.get(Path(p).name) or [Path(p).name]).pop(0) for p in uploaded]


def delete(librarian: Librarian, admin: Any, name: Any) -> str:
    if admin is not True:
        return notice(NEED_LOGIN)
    if not isinstance(name, str) or not name:
        return notice("请先选择要删除的文件。")
    return notice(zh_outcome(librarian.remove(name)))


def reindex(librarian: Librarian, admin: Any) -> str:
    if admin is not True:
        return notice(NEED_LOGIN)
    librarian.reindex()
    return notice("已开始重新索引。")




def build_documents_tab(librarian: Librarian, config: Config) -> None:
    """The tab's components and events (inside the app's gr.Blocks and gr.Tabs)."""
    with gr.Tab("文档管理", id="manage", elem_id="pa-manage-tab"):
        admin = gr.State(False)
        if not config.admin_secret:
            gr.HTML(notice(LOCKED), elem_id="pa-manage-locked")
        with gr.Row(visible=bool(config.admin_secret)):
            secret = gr.Textbox(label="管理密码", type="password", scale=3, elem_id="pa-secret", max_lines=1)
            enter = gr.Button("登录", scale=1, elem_id="pa-login")
        with gr.Column(visible=False) as tools:
            files = gr.File(label="上传文件（" + " ".join(suffixes()) + "）", file_count="multiple",
                            file_types=list(suffixes()), type="filepath", elem_id="pa-upload")
            tree = gr.File(label="或上传整个文件夹（保留其中的子文件夹；隐藏文件、Office 临时文件和压缩包会跳过并列出）",
                           file_count="directory", type="filepath", elem_id="pa-upload-tree")
            tree_names = gr.Textbox(visible=False)
            gr.HTML("", js_on_load=asset("tree_names.js"), visible="hidden")
            into = gr.Textbox(label="放入文件夹（可选，如 法规库/本地文件；不填则放在文档库根目录）", max_lines=1,
                              elem_id="pa-upload-folder")
            with gr.Row():
                send = gr.Button("上传并索引", variant="primary", elem_id="pa-upload-send")
                again = gr.Button("重新索引", elem_id="pa-reindex")
            with gr.Row():
                victim = gr.Dropdown(choices=[], label="删除文件", scale=3, elem_id="pa-delete-pick")
                remove = gr.Button("删除", variant="stop", scale=1, elem_id="pa-delete")
        message = gr.HTML("", elem_id="pa-manage-message")
        states = gr.HTML(status_html(librarian), elem_id="pa-states")
        token = gr.Textbox(visible=False)
        timer = gr.Timer(1.0, active=False)

        def on_login(given):
            ok, text, cookie = login(config, given)
            return ok, text, cookie, _names(librarian), ""

        def show_tools(_token, ok):  # after set_cookie.js has run in the browser
            return gr.Column(visible=ok is True), gr.Timer(active=ok is True)

        gr.on([enter.click, secret.submit], on_login, inputs=secret, outputs=[admin, message, token, victim, secret],
              api_visibility="private").then(show_tools, inputs=[token, admin], outputs=[tools, timer],
                                             js=asset("set_cookie.js", ADMIN_COOKIE=ADMIN_COOKIE), api_visibility="private")
        send.click(lambda a, p, f, t, n: (upload(librarian, a, p, f, t, n), None, None, status_html(librarian),
                                          _names(librarian)),
                   inputs=[admin, files, into, tree, tree_names], outputs=[message, files, tree, states, victim],
                   js=asset("send_tree.js"), api_visibility="private")
        again.click(lambda a: (reindex(librarian, a), status_html(librarian)), inputs=admin,
                    outputs=[message, states], api_visibility="private")
        remove.click(lambda a, n: (delete(librarian, a, n), status_html(librarian), _names(librarian)),
                     inputs=[admin, victim], outputs=[message, states, victim], api_visibility="private")
        timer.tick(lambda: status_html(librarian), outputs=states, show_progress="hidden", api_visibility="private")


def _names(librarian: Librarian) -> gr.Dropdown:
    """The documents one may delete: those indexed or being indexed."""
    names = [s.name for s in librarian.states() if s.status not in ("refused", "removed", "skipped")]
    return gr.Dropdown(choices=names, value=None)
