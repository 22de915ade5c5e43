// Runs in the browser when 登录 is pressed: sends the secret to the server's own login route, which sets the
// admin cookie itself (HttpOnly: no script, this one included, can read it). Gradio's handler is then given
// only the server's reply, never the secret, and asks the server whether this browser is now admin.
async (secret) => {
  try {
    const reply = await fetch(new URL('admin/login', window.location.href), {
      method: 'POST', credentials: 'same-origin', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({secret: secret || ''}),
    });
    const body = await reply.json();
    return [String(body.message || '')];
  } catch (error) {
    return ['登录请求未能送达服务器，请稍后再试。'];
  }
}
