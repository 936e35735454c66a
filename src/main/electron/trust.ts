/**
 * Which URLs count as the app itself: the built renderer's own file, or the dev server's origin.
 * Always decided with a URL parser, never by string prefix, so look-alikes such as
 * `http://localhost:5173.evil.test` or `http://localhost:5173@evil.test` are foreign.
 */
export function isTrustedRendererUrl(
  candidate: string | undefined | null,
  rendererUrl: string,
): boolean {
  if (!candidate) return false
  let url: URL
  let trusted: URL
  try {
    url = new URL(candidate)
    trusted = new URL(rendererUrl)
  } catch {
    return false
  }
  if (trusted.protocol === 'file:') {
    // File URLs have no origin ("null"): only the renderer's own index file is the app.
    return url.protocol === 'file:' && url.host === '' && url.pathname === trusted.pathname
  }
  if (trusted.protocol !== 'http:' && trusted.protocol !== 'https:') return false
  return url.origin === trusted.origin && url.username === '' && url.password === ''
}

/** Links a user may open in the system browser (a KB article, say): https only. */
export function isExternalLinkAllowed(candidate: string): boolean {
  try {
    const url = new URL(candidate)
    return url.protocol === 'https:' && url.username === '' && url.password === ''
  } catch {
    return false
  }
}

/** The renderer's Content-Security-Policy: our own code only, no eval, no remote content. */
export function contentSecurityPolicy(rendererUrl: string): string {
  const trusted = new URL(rendererUrl)
  // The dev server needs its own origin (and its HMR socket); the built app needs nothing remote.
  const dev =
    trusted.protocol === 'file:'
      ? ''
      : ` ${trusted.origin} ${trusted.origin.replace(/^http/, 'ws')}`
  return [
    "default-src 'self'",
    `script-src 'self'${dev}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${dev}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}
