// Scrolls the document pane (and, if needed, the page) to the highlighted clause or value once it is visible.
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
