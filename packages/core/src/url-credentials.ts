/**
 * fetch refuses a URL with user info (`https://user:pass@host/`); browsers and curl send it as Basic
 * authentication. This returns the URL without it and that header's value (undefined when there is none).
 */
export function splitUrlCredentials(url: URL): { url: URL; authorization?: string } {
  if (!url.username && !url.password) return { url };
  const bare = new URL(url);
  bare.username = '';
  bare.password = '';
  const userInfo = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return { url: bare, authorization: `Basic ${Buffer.from(userInfo).toString('base64')}` };
}
