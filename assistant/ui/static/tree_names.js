// Installed once by a hidden gr.HTML (js_on_load): when a folder is picked in the 上传文件夹 box, keep the
// picked files' paths inside it (webkitRelativePath, e.g. '通知/2023/x.doc'). Gradio uploads each file
// under its own name only; the upload button sends these paths with the files, so sub-folders are kept.
const keepTree = (event) => {
  const input = event.target;
  if (!input || input.type !== 'file' || !input.closest || !input.closest('#pa-upload-tree')) return;
  window.__paTree = Array.from(input.files || []).map((f) => f.webkitRelativePath || f.name);
};
if (window.__paKeepTree) document.removeEventListener('change', window.__paKeepTree, true);
window.__paKeepTree = keepTree;
document.addEventListener('change', keepTree, true);
