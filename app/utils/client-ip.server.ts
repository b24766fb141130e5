import net from "node:net";

/**
 * The proxies whose X-Forwarded-For we believe: addresses and CIDR ranges only. A hop count ("1") is refused,
 * because it trusts whatever address is connected, so a client that reaches the app port directly could
 * choose its own rate-limit address.
 */
export class ProxyList {
  private readonly list = new net.BlockList();
  readonly empty: boolean;

  constructor(spec: string | undefined) {
    const entries = (spec ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    for (const entry of entries) {
      const [address, bits] = entry.split("/");
      const type = net.isIP(address);
      if (!type || (bits !== undefined && !/^\d+$/.test(bits))) throw new Error(ProxyList.help(entry));
      const family = type === 4 ? "ipv4" : "ipv6";
      if (bits === undefined) this.list.addAddress(address, family);
      else {
        const prefix = Number(bits);
        if (prefix > (type === 4 ? 32 : 128)) throw new Error(ProxyList.help(entry));
        this.list.addSubnet(address, prefix, family);
      }
    }
    this.empty = entries.length === 0;
  }

  static help(entry: string) {
    return `"${entry}" is not an IP address or CIDR range; list the reverse proxies' addresses, e.g. TRUST_PROXY=127.0.0.1,10.0.0.0/8`;
  }

  has(address: string) {
    const type = net.isIP(address);
    return type !== 0 && this.list.check(address, type === 4 ? "ipv4" : "ipv6");
  }
}

/** `::ffff:203.0.113.7` (an IPv4 peer on a dual-stack socket) is 203.0.113.7. */
function normalise(address: string | undefined) {
  const a = (address ?? "").trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  return mapped ? mapped[1] : a;
}

let configured: { spec: string | undefined; list: ProxyList } | undefined;

function configuredProxies() {
  const spec = process.env.TRUST_PROXY;
  if (!configured || configured.spec !== spec) configured = { spec, list: new ProxyList(spec) };
  return configured.list;
}

/**
 * The address rate limits and sessions see. Without a trusted proxy in front it is the TCP peer. When the peer
 * is a trusted proxy, X-Forwarded-For is read from the right (each proxy appends the address it saw), skipping
 * trusted hops; the first untrusted address is the client. Anything unparsable stops the walk at the last hop
 * that a trusted proxy vouched for, so a forged header never yields an address the client chose freely.
 */
export function clientAddress(
  peerAddress: string | undefined,
  forwardedForHeader: string | string[] | undefined,
  trusted: ProxyList = configuredProxies(),
): string {
  let client = normalise(peerAddress);
  if (!trusted.has(client) || forwardedForHeader === undefined) return client;
  const hops = [forwardedForHeader].flat().join(",").split(",").map(normalise).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    if (!net.isIP(hops[i])) break;
    client = hops[i];
    if (!trusted.has(client)) break;
  }
  return client;
}
