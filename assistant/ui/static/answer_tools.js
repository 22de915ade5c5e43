// Installed once by a hidden gr.HTML (js_on_load): the links under each answer (ui/rating.py). 👍 posts the rating,
// with this page's Gradio session, to the server's route (pa-rate) and shows the reply beside the links; 👎 tells the
// server which answer through this component's click event (it opens the form); 复制 puts the answer and its sources
// on the clipboard; an export link is downloaded in place (the chat would otherwise open it in a new tab).
const say = (tools, text, saved) => {
  let said = tools.querySelector('.pa-rate-said');
  if (!said) {
    said = document.createElement('span');
    tools.appendChild(said);
  }
  said.className = `pa-rate-said ${saved ? 'pa-rate-saved' : 'pa-rate-refused'}`;
  said.textContent = text;
};
const rateUp = async (el, answer) => {
  const tools = el.closest('.pa-tools');
  try {
    const reply = await fetch(new URL('pa-rate', window.location.href), {
      method: 'POST', credentials: 'same-origin', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({session: window.__gradio_session_hash__ || '', answer, vote: 'up'}),
    });
    const body = await reply.json();
    say(tools, String(body.message || ''), body.ok === true);
  } catch (error) {
    say(tools, '反馈未能送达服务器，请稍后再试。', false);
  }
};
const answerTools = (event) => {
  const el = event.target && event.target.closest ? event.target.closest('a.pa-rate, a.pa-copy, a.pa-export') : null;
  if (!el) return;
  if (event.type === 'keydown' && event.key !== 'Enter' && event.key !== ' ') return;
  event.preventDefault();
  event.stopPropagation();
  const href = el.getAttribute('href') || '';
  if (el.classList.contains('pa-rate')) {
    const params = new URLSearchParams(href.slice(href.indexOf('?') + 1));
    if (params.get('v') === 'up') {
      rateUp(el, params.get('a') || '');
    } else {
      trigger('click', {answer: params.get('a') || ''});
    }
    return;
  }
  if (el.classList.contains('pa-export')) {
    const link = document.createElement('a');
    link.href = new URL(href, window.location.href).href;
    link.download = '';
    document.body.appendChild(link);
    link.click();
    link.remove();
    return;
  }
  const bubble = el.closest('.pa-tools') ? el.closest('.pa-tools').parentElement : null;
  if (!bubble) return;
  const copy = bubble.cloneNode(true);
  copy.querySelectorAll('.pa-tools').forEach((tools) => tools.remove());
  const text = (copy.innerText || copy.textContent || '').trim();
  const done = () => { el.textContent = '已复制'; setTimeout(() => { el.textContent = '复制'; }, 1500); };
  const fallback = () => {
    const area = document.createElement('textarea');
    area.value = text;
    document.body.appendChild(area);
    area.select();
    try { document.execCommand('copy'); done(); } catch (error) { el.textContent = '无法复制'; }
    area.remove();
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, fallback);
  } else {
    fallback();
  }
};
if (window.__paTools) {
  document.removeEventListener('click', window.__paTools, true);
  document.removeEventListener('keydown', window.__paTools, true);
}
window.__paTools = answerTools;
document.addEventListener('click', answerTools, true);
document.addEventListener('keydown', answerTools, true);
