/**
 * The browser host's per-launch token arrives in the URL fragment (`#token=…`). It is moved to
 * session storage and removed from the address bar, so it does not linger in history or get
 * copied with the URL, and a reload of the tab still finds it.
 */
const STORAGE_KEY = 'warmline.launchToken'

export function takeLaunchToken(
  location: Pick<Location, 'hash' | 'pathname' | 'search'>,
  storage: Pick<Storage, 'getItem' | 'setItem'>,
  history: Pick<History, 'replaceState'>,
): string | null {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, '')).get('token')
  if (fromHash) {
    storage.setItem(STORAGE_KEY, fromHash)
    history.replaceState(null, '', `${location.pathname}${location.search}`)
    return fromHash
  }
  return storage.getItem(STORAGE_KEY)
}
