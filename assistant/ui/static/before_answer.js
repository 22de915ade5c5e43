// Runs in the browser before a question goes to the server: brings the sources panel forward (its
// citations are about to change) and passes the event's inputs on unchanged. For a typed question
// (CLEAR_INPUT true) it also empties the textbox at once, unless the question is too long to be
// answered: then it stays there to be shortened (the chat says why). The app fills in both names.
(...args) => {
  const tab = document.querySelector('#pa-sources-tab-button');
  if (tab && tab.getAttribute('aria-selected') !== 'true') tab.click();
  const box = CLEAR_INPUT ? document.querySelector('#pa-input textarea') : null;
  if (box && box.value.trim().length <= MAX_QUESTION_CHARS) {
    box.value = ''; box.dispatchEvent(new Event('input', {bubbles: true}));
  }
  return args;
}
