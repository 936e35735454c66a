/**
 * The client's address, for the attempt budgets. Behind a TLS proxy every request's peer is the
 * proxy, so the whole floor would share one budget; a proxy the administrator declared trusted
 * is believed about who its client was (X-Forwarded-For), nobody else is.
 *
 * The header is read from the right: each trusted proxy appends the peer it saw, so the right-most
 * address that is not a trusted proxy is the first one nobody we trust could have forged.
 */
import { BlockList, isIP } from 'node:net'

export type ClientAddress = (peer: string, forwardedFor: string | string[] | undefined) => string

/** `::ffff:10.0.0.5` and `10.0.0.5` are one client; a port or brackets some proxies add are not. */
function normalize(raw: string): string {
  let value = raw.trim()
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value)
  if (bracketed) value = bracketed[1]!
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(value)
  if (v4WithPort) value = v4WithPort[1]!
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(value)
  if (mapped) value = mapped[1]!
  return isIP(value) === 6 ? value.toLowerCase() : value
}

/** Parses `10.0.0.0/8, 192.168.1.7, ::1, fd00::/8`; an entry that is neither throws, naming it. */
export function parseTrustedProxies(entries: readonly string[]): BlockList {
  const list = new BlockList()
  for (const entry of entries) {
    const [address = '', prefix, ...rest] = entry.trim().split('/')
    const family = isIP(address)
    const bits = prefix === undefined ? null : Number(prefix)
    const maxBits = family === 6 ? 128 : 32
    if (
      !family ||
      rest.length ||
      (bits !== null && (!/^\d{1,3}$/.test(prefix!) || bits > maxBits))
    ) {
      throw new Error(
        `Not an IP address or CIDR range in the trusted proxies: "${entry}" (e.g. 10.0.0.5, 10.0.0.0/8, fd00::/8).`,
      )
    }
    const type = family === 6 ? 'ipv6' : 'ipv4'
    if (bits === null) list.addAddress(address, type)
    else list.addSubnet(address, bits, type)
  }
  return list
}

export function clientAddressResolver(trusted: readonly string[] = []): ClientAddress {
  if (!trusted.length) return (peer) => normalize(peer)
  const list = parseTrustedProxies(trusted)
  const isTrusted = (address: string) => {
    const family = isIP(address)
    return family !== 0 && list.check(address, family === 6 ? 'ipv6' : 'ipv4')
  }
  return (peer, forwardedFor) => {
    let client = normalize(peer)
    if (!isTrusted(client)) return client
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
      .split(',')
      .map(normalize)
      .filter(Boolean)
    // An entry that is not an address cannot be a trusted proxy: it is the client as far as we
    // can tell, and only its own budget suffers from whatever it claims.
    for (let i = hops.length - 1; i >= 0 && isTrusted(client); i--) client = hops[i]!
    return client
  }
}
