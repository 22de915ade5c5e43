// Runs in the browser as the upload button is pressed: adds the picked folder's relative paths (kept by
// tree_names.js) to what is sent, as the last input.
(files, folder, tree, names) => [files, folder, tree, JSON.stringify(window.__paTree || [])]
