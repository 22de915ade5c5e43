// Sets the admin cookie in the browser before the upload tools appear (an upload needs it at once).
// The app fills in ADMIN_COOKIE.
(token, admin) => {
  if (token) document.cookie = 'ADMIN_COOKIE=' + token + '; path=/; SameSite=Strict';
  return [token, admin];
}
