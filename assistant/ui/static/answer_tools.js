// Installed once by a hidden gr.HTML (js_on_load): the links under each answer (ui/rating.py). 👍 and 👎 tell
// the server which answer was rated through this component's click event; 复制 puts the answer and its sources
// on the clipboard; an export link is downloaded in place (the chat would otherwise open it in a new tab).
const answerTools = (event) => {
  const el = event.target && event.target.closest ? event.target.closest('a.pa-rate, a.pa-copy, a.pa-export') : null;
  if (!el) return;
  if (event.type === 'keydown' && event.key !== 'Enter' && event.key !== ' ') return;
  event.preventDefault();
  event.stopPropagation();
  const href = el.getAttribute('href') || '';
  if (el.classList.contains('pa-rate')) {
    const params = new URLSearchParams(href.slice(href.indexOf('?') + 1));
    trigger('click', {answer: params.get('a') || '', vote: params.get('v') || ''});
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
