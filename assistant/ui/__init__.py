"""The browser UI: a Gradio Blocks app over assistant.service. It holds no retrieval logic.

- render.py: pure HTML renderers (strings in, escaped HTML out), testable without Gradio; sources.py: the same
  for the 来源 cards and the 文档 pane;
- chat.py, viewer.py, documents.py: the event handlers of the chat, the document view and the
  文档管理 tab (functions taking the Assistant or Librarian first), testable without a browser;
- session.py (a conversation kept on the server), limits.py (the ASGI guard in front of Gradio);
- rating.py (answers kept as given, ratings checked and stored), rating_form.py (👍/👎 and the 👎 form, the
  `/rate` API), feedback_tab.py (the admin's 反馈 tab), export_http.py (answers downloaded as .md / .docx);
- app.py: the Gradio layout and wiring (`build_app`), `launch` and the process entry point `serve`;
- static/: the CSS and the browser scripts, as files.
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

from assistant.ui.app import (  # noqa: E402  (after the environment above)
    APP_TITLE, MAX_SESSIONS, SESSION_TTL, build_app, endpoints_of, launch, launch_options, make_theme,
    port_in_use, serve, warm_up,
)
from assistant.ui.chat import BUSY, FAILED, InFlight, log_error, new_conversation, respond, respond_in_turn  # noqa: E402
from assistant.ui.render import (  # noqa: E402  (tests call the renderers as ui.<name>)
    EMPTY_DOCUMENT, EMPTY_SOURCES, OUTSIDE_CLAUSES, QUESTION_PREVIEW_CHARS, answer_blocks, ask_link, card_caption,
    citation_caption, esc, esc_lines, highlight, mark_link, open_link, page_break_gaps, page_note, parse_quotes,
    quotes_attr, render_answer_message, render_notice, render_user_message, with_marks,
)
from assistant.ui.sources import (  # noqa: E402
    containing_clause, document_meta, render_document, render_source_card, render_sources,
)
from assistant.ui.viewer import document_choices, lookup_clause, open_clause, show_document  # noqa: E402
