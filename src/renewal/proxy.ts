// Which proxy, if any, carries a request to the bank's renewal server. Branch
// networks reach the bank through an HTTP proxy (issue 14); ukey reads the same
// variables as curl, wget and npm, and a bank profile may name one.
//
// The rules (README "Proxies"):
// - NO_PROXY / no_proxy decides first whether a proxy is used at all; then the
//   profile's `renewal.proxy`, else https_proxy / HTTPS_PROXY for https URLs and
//   http_proxy / HTTP_PROXY for http URLs (lower case first, as curl and Go
//   read them; curl ignores upper-case HTTP_PROXY against the CGI "httpoxy"
//   attack, which does not concern a command-line tool, and Windows users set it).
// - NO_PROXY entries, comma- or space-separated, case-insensitive: `*` (every
//   host); a name, with or without a leading `.` or `*.`, matching the host and
//   its subdomains at a label boundary; an IP address, or a CIDR block (curl
//   7.86+); any of these with `:port` matching that port only (curl has no
//   ports; Go and Python do).
// - Loopback is not special: like curl 7.88 (checked with tinyproxy),
//   localhost and 127.0.0.1 go through the proxy unless NO_PROXY names them.

import { BlockList, isIP } from 'node:net'
import { UkeyError } from '../errors.js'

export interface ProxyChoice {
  /** With any user:password, for the Proxy-Authorization header only. */
  url: URL
  /** scheme://host:port: what messages, logs and JSON show (never credentials). */
  display: string
  /** Where it came from: 'profile' or the variable's name. */
  source: string
}

export type ProxyEnv = Record<string, string | undefined>

export interface ProxySettings {
  /** The bank profile's renewal.proxy. */
  configured?: string | undefined
  /** Default: the process environment. */
  env?: ProxyEnv
}

const first = (env: ProxyEnv, names: string[]): [string, string] | undefined => {
  for (const n of names) {
    const v = env[n]?.trim()
    if (v) return [n, v]
  }
  return undefined
}

/** scheme://host:port of a proxy URL: the user name and password stay out of every message. */
export function proxyDisplay(url: URL): string {
  return `${url.protocol}//${url.host}`
}

/** A proxy setting as a URL; `proxy:3128` means http:// (curl's reading). */
export function parseProxyUrl(value: string, source: string): URL {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new UkeyError('USAGE', { params: { detail: `${source}: not a proxy URL` } })
  }
  // A SOCKS proxy needs another client; saying so beats connecting it as HTTP.
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UkeyError('USAGE', { params: { detail: `${source}: ${url.protocol}// proxies are not supported (http:// or https:// only)` } })
  }
  if (!url.hostname) throw new UkeyError('USAGE', { params: { detail: `${source}: the proxy URL names no host` } })
  return url
}

const defaultPort = (u: URL): number => Number(u.port || (u.protocol === 'https:' ? 443 : 80))
const bare = (host: string): string => host.replace(/^\[|\]$/g, '').toLowerCase()

function entryMatches(entry: string, host: string, port: number): boolean {
  let name = entry
  let wantPort: number | undefined
  // host:port, [v6]:port; a bare IPv6 address has colons but no port.
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry)
  if (m) {
    name = m[1]!
    wantPort = Number(m[2])
  }
  if (wantPort !== undefined && wantPort !== port) return false
  name = bare(name)
  if (name === '*') return true
  const slash = name.indexOf('/')
  const addr = slash < 0 ? name : name.slice(0, slash)
  const family = isIP(addr)
  if (family) {
    const hostFamily = isIP(host)
    if (hostFamily !== family) return false
    const type = family === 6 ? 'ipv6' : 'ipv4'
    const bits = slash < 0 ? (family === 6 ? 128 : 32) : Number(name.slice(slash + 1))
    // BlockList compares addresses, not spellings (::1 and 0:0::1 are one address).
    const list = new BlockList()
    try {
      list.addSubnet(addr, bits, type)
    } catch {
      return false
    }
    return list.check(host, type)
  }
  // A name never matches an address by its digits (curl: ".0.0.1" does not cover 127.0.0.1).
  if (isIP(host)) return false
  const suffix = name.replace(/^\*?\./, '')
  return suffix !== '' && (host === suffix || host.endsWith(`.${suffix}`))
}

/** Does NO_PROXY send this URL direct? */
export function bypassesProxy(target: URL, noProxy: string): boolean {
  const host = bare(target.hostname)
  const port = defaultPort(target)
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((e) => entryMatches(e.toLowerCase(), host, port))
}

/** The proxy for a request to `target`, or null for a direct connection. */
export function proxyFor(target: URL, settings: ProxySettings = {}): ProxyChoice | null {
  const env = settings.env ?? process.env
  const noProxy = first(env, ['no_proxy', 'NO_PROXY'])
  if (noProxy && bypassesProxy(target, noProxy[1])) return null
  const configured = settings.configured?.trim()
  const chosen: [string, string] | undefined = configured
    ? ['profile renewal.proxy', configured]
    : target.protocol === 'https:' ? first(env, ['https_proxy', 'HTTPS_PROXY']) : first(env, ['http_proxy', 'HTTP_PROXY'])
  if (!chosen) return null
  const url = parseProxyUrl(chosen[1], chosen[0])
  return { url, display: proxyDisplay(url), source: configured ? 'profile' : chosen[0] }
}

/**
 * Who wrote a non-200 answer that came through a proxy. A proxy forwarding the
 * server's answer adds Via (RFC 9110 7.6.3); its own error pages (tinyproxy's
 * "403 Filtered", "500 Unable to connect", squid's) carry none. For a CONNECT
 * tunnel the status of the CONNECT itself says it.
 */
export function proxyAnswered(status: number, headers: { via?: string | string[] | undefined }, connectStatus?: number): boolean {
  if (connectStatus !== undefined) return connectStatus !== 200
  return status !== 200 && !headers.via
}
