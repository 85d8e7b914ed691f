/**
 * What the window may ask main to open outside the app. Plain Node (no Electron), so it is tested directly.
 *
 * The window never names a path: folders are opened only from a native dialog the person answered, or from the
 * command line / environment at launch. External links go to the system browser only when they start with one of
 * these prefixes (https, no user name or password in the URL); everything else is refused.
 */
export const EXTERNAL_LINK_PREFIXES: readonly string[] = [
  'https://github.com/HKUDS/ClawTeam',
  'https://www.electronjs.org/docs/latest/tutorial/security',
];

export function isAllowedExternalUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.username || url.password) return false;
  const normalized = `${url.origin}${url.pathname}`;
  return EXTERNAL_LINK_PREFIXES.some((prefix) => normalized === prefix || normalized.startsWith(`${prefix}/`));
}
