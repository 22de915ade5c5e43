// Installed once by a hidden gr.HTML (js_on_load): any a.pa-open link (citations in the chat and the
// sources panel, outline entries) opens its clause through that component's click event; any a.pa-ask
// link (the example questions of a help answer) asks its question through its submit event.
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
