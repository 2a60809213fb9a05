import type { Agent } from 'node:http'
import type { ProxyChoice } from './proxy.js'

/**
 * The node:http agent that sends one request through the proxy: the request
 * in absolute form for an http URL (RFC 9112 3.2.2), a CONNECT tunnel for an
 * https URL, with the TLS to the bank verified end to end as without a proxy.
 *
 * http-proxy-agent / https-proxy-agent (the proxy-agents family npm's own
 * client uses) plug into node:http's `agent`, so the transfer keeps one code
 * path for its limits and checks. undici's ProxyAgent would need the request
 * moved to undici's dispatcher API, and by default tunnels plain-http requests
 * with CONNECT too, which tinyproxy's and squid's usual ConnectPort/SSL_ports
 * rules refuse for port 80. Loaded only when a proxy applies: start-up without
 * one pays nothing.
 */
export async function proxyAgent(choice: ProxyChoice, secure: boolean): Promise<Agent> {
  if (secure) {
    const { HttpsProxyAgent } = await import('https-proxy-agent')
    return new HttpsProxyAgent(choice.url)
  }
  const { HttpProxyAgent } = await import('http-proxy-agent')
  return new HttpProxyAgent(choice.url)
}
