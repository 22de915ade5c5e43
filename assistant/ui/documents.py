"""The 文档管理 tab: the collection's documents and their state for everyone; uploading, deleting,
re-indexing and the audit trail for an admin, i.e. a browser holding a live login (assistant/admin.py).
Without a secret (`--admin-secret`, `--admin-secret-file`, PLAN_ADMIN_SECRET) the tab only lists documents.

Logging in and out go to the server's own routes (ui/admin_http.py, from admin_login.js), which set and
clear the HttpOnly cookie; no handler here ever sees the secret. Every admin handler checks the cookie of
*its own* request (`gr.Request`) before it does anything — there is no per-session flag another client could
borrow through the session id — and what it did, or why it was refused, goes to the audit trail. The work
itself is the Librarian's: checks, copying, one background build at a time, then the switch.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import gradio as gr
from gradio.utils import get_upload_folder
from gradio_client.utils import strip_invalid_filename_characters

from assistant.admin import LOGGED_OUT, NEED_LOGIN, NO_ADMIN, Admin
from assistant.collection import Outcome
from assistant.ingest import suffixes
from assistant.librarian import STATUS_NAMES, FileState, Librarian
from assistant.records import AuditEntry
from assistant.ui.admin_http import client_of, token_of
from assistant.ui.render import esc
from assistant.ui.static import asset
from assistant.ui.wording import zh_audit, zh_outcome, zh_reason

MAX_TREE_FILES = 5000  # relative paths taken from the browser for one uploaded folder
AUDIT_ROWS = 200  # newest entries shown in the tab; `python -m assistant audit` prints them all
AUDIT_ACTIONS = {"login": "登录", "logout": "退出", "upload": "上传", "upload-file": "上传（文件传输）",
                 "delete": "删除", "reindex": "重新索引", "audit-view": "查看审计记录", "feedback-view": "查看反馈",
                 "feedback-review": "审阅反馈", "feedback-export": "导出反馈评测集"}


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


def upload(librarian: Librarian, admin: Any, paths: Any, folder: Any = "", tree: Any = None,
           tree_names: Any = "", on_outcome: Callable[[Outcome], None] = lambda outcome: None,
           uploads_root: str | None = None) -> str:
    """Take the uploaded files and the files of an uploaded folder (Gradio's temporary copies: paths, or the
    file records Gradio sends when the event does not preprocess) into the collection, into the library's
    sub-folder `folder` when one is typed. A folder's files keep their places in it ('通知/2023/x.doc'):
    `tree_names` is the browser's list of their relative paths.

    Only for an admin (`admin` is True): anyone else is refused before any file is touched, since the paths
    come from the client and need not be its own uploads. Only files inside Gradio's upload folder
    (`uploads_root`, by default the server's) are read; once read they are deleted, with the folder Gradio
    made for each."""
    if admin is not True:
        return notice(NEED_LOGIN)
    root = Path(uploads_root or get_upload_folder()).resolve()
    files, in_tree = uploaded(paths, root), uploaded(tree, root)
    if not files and not in_tree:
        return notice("请先选择要上传的文件或文件夹。")
    try:
        names = [Path(p).name for p in files] + tree_places(in_tree, tree_names)
        batch = [(name, Path(path).read_bytes()) for name, path in zip(names, files + in_tree)]
    except OSError:
        return notice("上传的文件已不在服务器的临时文件夹中，请重新选择文件后再上传。")
    finally:
        remove_uploads(files + in_tree, root)
    outcomes = librarian.add(batch, folder if isinstance(folder, str) else "")
    for outcome in outcomes:
        on_outcome(outcome)
    shown = [zh_outcome(o) for o in outcomes if o.status != "skipped"]
    skipped = [o for o in outcomes if o.status == "skipped"]
    if skipped:  # a folder's lock files and hidden files: counted, each listed, after what matters
        shown.append(f"跳过 {len(skipped)} 个文件：" + "、".join(zh_outcome(o) for o in skipped))
    return notice("；".join(shown))


def uploaded(given: Any, root: Path) -> list[str]:
    """The paths of uploaded files among `given` (paths, or Gradio's file records {"path": …}) that lie in
    Gradio's upload folder `root`; anything else a client names is ignored, never read."""
    paths = [item.get("path") if isinstance(item, dict) else item for item in (given or [])]
    return [p for p in paths if isinstance(p, str) and root in Path(p).resolve().parents]


def remove_uploads(paths: list[str], root: Path) -> None:
    """Delete Gradio's temporary copies of uploaded files, and the folder it made for each
    (<upload folder>/<hash>/<name>) once empty."""
    for path in map(Path, paths):
        try:
            resolved = path.resolve()
            resolved.unlink(missing_ok=True)
            if resolved.parent != root:
                resolved.parent.rmdir()  # only when empty: another upload of the same bytes may be in it
        except OSError:
            continue


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


def delete(librarian: Librarian, admin: Any, name: Any,
           on_outcome: Callable[[Outcome], None] = lambda outcome: None) -> str:
    if admin is not True:
        return notice(NEED_LOGIN)
    if not isinstance(name, str) or not name:
        return notice("请先选择要删除的文件。")
    outcome = librarian.remove(name)
    on_outcome(outcome)
    return notice(zh_outcome(outcome))


def reindex(librarian: Librarian, admin: Any) -> str:
    if admin is not True:
        return notice(NEED_LOGIN)
    librarian.reindex()
    return notice("已开始重新索引。")


def render_audit(entries: list[AuditEntry]) -> str:
    """The audit trail, newest first, as an escaped HTML table (refusals marked)."""
    rows = "".join(
        f'<tr class="{"pa-audit-refused" if e.refused else "pa-audit-ok"}"><td>{esc(e.at.replace("T", " ").rstrip("Z"))}</td>'
        f'<td>{esc(e.client)}</td><td>{esc(AUDIT_ACTIONS.get(e.action, e.action))}</td><td>{esc(e.target)}</td>'
        f'<td>{esc(zh_audit(e.outcome))}</td></tr>' for e in reversed(entries))
    return ('<div class="pa-audit"><div class="pa-manage-head">审计记录（最新在前，时间为 UTC；全部记录：'
            '<code>python -m assistant audit</code>）</div><table class="pa-states"><thead><tr><th>时间</th>'
            f'<th>客户端地址</th><th>操作</th><th>对象</th><th>结果</th></tr></thead><tbody>{rows}</tbody></table></div>')


def build_documents_tab(librarian: Librarian, admin: Admin) -> None:
    """The tab's components and events (inside the app's gr.Blocks and gr.Tabs)."""
    with gr.Tab("文档管理", id="manage", elem_id="pa-manage-tab"):
        if not admin.enabled:
            gr.HTML(notice(NO_ADMIN), elem_id="pa-manage-locked")
        with gr.Row(visible=admin.enabled) as login_row:
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
                leave = gr.Button("退出登录", elem_id="pa-logout")
            with gr.Row():
                victim = gr.Dropdown(choices=[], label="删除文件", scale=3, elem_id="pa-delete-pick")
                remove = gr.Button("删除", variant="stop", scale=1, elem_id="pa-delete")
        message = gr.HTML("", elem_id="pa-manage-message")
        states = gr.HTML(status_html(librarian), elem_id="pa-states")
        audit = gr.HTML("", elem_id="pa-audit")
        timer = gr.Timer(1.0, active=False)

        def allowed(request: gr.Request, action: str, target: str = "") -> bool:
            return admin.allows(token_of(request), client_of(request), action, target)

        def audit_html(request: gr.Request) -> str:
            """The trail for an admin; '' for anyone else (a refused look is itself recorded)."""
            if admin.records is None or not allowed(request, "audit-view"):
                return ""
            return render_audit(admin.records.audit_entries(limit=AUDIT_ROWS))

        def view(request: gr.Request, said: str = ""):
            """The tab as this request's browser may see it: tools, trail and logout for a live login."""
            ok = admin.valid(token_of(request))
            return (gr.Row(visible=admin.enabled and not ok), gr.Column(visible=ok), gr.Timer(active=ok),
                    _names(librarian) if ok else gr.Dropdown(choices=[], value=None),
                    audit_html(request) if ok else "", notice(said) if said else "")

        shown = [login_row, tools, timer, victim, audit, message]

        def on_login(said, request: gr.Request):  # after admin_login.js: `said` is the server's reply, not the secret
            return *view(request, said if isinstance(said, str) else ""), ""

        gr.on([enter.click, secret.submit], on_login, inputs=secret, outputs=[*shown, secret],
              js=asset("admin_login.js"), api_visibility="private")

        def on_logout(request: gr.Request):  # after admin_logout.js: the cookie is gone, so `view` hides the tools
            return view(request, LOGGED_OUT)

        def on_reload(request: gr.Request):  # a page reloaded by a logged-in admin keeps its tools
            return view(request)[:5]

        leave.click(on_logout, outputs=shown, js=asset("admin_logout.js"), api_visibility="private")
        gr.on(None, on_reload, outputs=shown[:5], api_visibility="private")

        def on_upload(paths, folder, in_tree, names, request: gr.Request):
            client, ok = client_of(request), allowed(request, "upload")
            text = upload(librarian, ok, paths, folder, in_tree, names,
                          on_outcome=lambda o: admin.note(client, "upload", o.name, _outcome(o)))
            return text, None, None, status_html(librarian), _names(librarian), audit_html(request) if ok else ""

        def on_reindex(request: gr.Request):
            ok = allowed(request, "reindex")
            text = reindex(librarian, ok)
            if ok:
                admin.note(client_of(request), "reindex", "", "started")
            return text, status_html(librarian), audit_html(request) if ok else ""

        def on_delete(name, request: gr.Request):
            target = name if isinstance(name, str) else ""
            if not allowed(request, "delete", target):
                return notice(NEED_LOGIN), status_html(librarian), gr.Dropdown(), ""
            client = client_of(request)
            text = delete(librarian, True, name, on_outcome=lambda o: admin.note(client, "delete", o.name, _outcome(o)))
            return text, status_html(librarian), _names(librarian), audit_html(request)

        # Not preprocessed: Gradio's File preprocessing makes an empty temporary file for every file it hands
        # over (type="filepath"), which no one deletes; `upload` takes the file records as they come instead.
        send.click(on_upload, inputs=[files, into, tree, tree_names],
                   outputs=[message, files, tree, states, victim, audit], js=asset("send_tree.js"),
                   preprocess=False, api_visibility="private")
        again.click(on_reindex, outputs=[message, states, audit], api_visibility="private")
        remove.click(on_delete, inputs=victim, outputs=[message, states, victim, audit], api_visibility="private")
        timer.tick(lambda: status_html(librarian), outputs=states, show_progress="hidden", api_visibility="private")


def _outcome(outcome: Outcome) -> str:
    return f"refused: {outcome.reason}" if outcome.status == "refused" else outcome.status


def _names(librarian: Librarian) -> gr.Dropdown:
    """The documents one may delete: those indexed or being indexed."""
    names = [s.name for s in librarian.states() if s.status not in ("refused", "removed", "skipped")]
    return gr.Dropdown(choices=names, value=None)
