// Runs in the browser when 退出登录 is pressed: the server ends the login and clears the cookie.
async () => {
  try {
    await fetch(new URL('admin/logout', window.location.href), {method: 'POST', credentials: 'same-origin'});
  } catch (error) {}
  return [];
}
