// Runs in the browser when 提交反馈 is pressed: posts the 👎 rating, with this page's Gradio session, to the server's
// own route (pa-rate, ui/rating_http.py) and returns the server's reply for the message box, escaped, and the answer
// id: kept when the rating was not saved (the form stays open to be mended), '' once it was (the form closes).
async (answer, reason, comment, source, label, name) => {
  const esc = (text) => String(text).replace(/[&<>"'`{}$\\]/g, (c) => `&#${c.charCodeAt(0)};`);
  let saved = false;
  let message = '反馈未能送达服务器，请稍后再试。';
  try {
    const reply = await fetch(new URL('pa-rate', window.location.href), {
      method: 'POST', credentials: 'same-origin', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({session: window.__gradio_session_hash__ || '', answer: answer || '', vote: 'down',
                            reason: reason || '', comment: comment || '', source: source || '', label: label || '',
                            name: name || ''}),
    });
    const body = await reply.json();
    saved = body.ok === true;
    message = String(body.message || message);
  } catch (error) {
    // the message above says it did not arrive
  }
  return [`<div class="pa-msg pa-notice ${saved ? 'pa-rate-saved' : 'pa-rate-refused'}">${esc(message)}</div>`,
          saved ? '' : answer];
}
