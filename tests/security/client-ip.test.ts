import { describe, expect, it } from "vitest";
import { clientAddress, ProxyList } from "../../app/utils/client-ip.server.ts";
import { parseEnv } from "../../app/utils/env.server.ts";

const proxies = new ProxyList("127.0.0.1, 10.0.0.0/8, fd00::/8");
const none = new ProxyList(undefined);

describe("client address behind trusted proxies only", () => {
  it("ignores X-Forwarded-For from a client that reaches the app port directly", () => {
    expect(clientAddress("203.0.113.9", "1.2.3.4", proxies)).toBe("203.0.113.9");
    expect(clientAddress("203.0.113.9", "1.2.3.4", none)).toBe("203.0.113.9");
    expect(clientAddress("127.0.0.1", "1.2.3.4", none)).toBe("127.0.0.1");
  });

  it("takes the first untrusted hop from the right when the peer is a configured proxy", () => {
    expect(clientAddress("127.0.0.1", "198.51.100.7", proxies)).toBe("198.51.100.7");
    // the client forged the left part; the proxy appended what it saw
    expect(clientAddress("10.0.0.5", "6.6.6.6, 198.51.100.7", proxies)).toBe("198.51.100.7");
    expect(clientAddress("10.0.0.5", "6.6.6.6, 198.51.100.7, 10.2.3.4", proxies)).toBe("198.51.100.7");
    expect(clientAddress("10.0.0.5", ["6.6.6.6", "198.51.100.7"], proxies)).toBe("198.51.100.7");
    expect(clientAddress("::ffff:127.0.0.1", "198.51.100.7", proxies)).toBe("198.51.100.7");
    expect(clientAddress("fd00::1", "2001:db8::5", proxies)).toBe("2001:db8::5");
  });

  it("never yields an address the client wrote freely when the header is odd", () => {
    expect(clientAddress("127.0.0.1", undefined, proxies)).toBe("127.0.0.1");
    expect(clientAddress("127.0.0.1", "", proxies)).toBe("127.0.0.1");
    expect(clientAddress("127.0.0.1", "not-an-ip", proxies)).toBe("127.0.0.1");
    expect(clientAddress("127.0.0.1", "6.6.6.6, garbage", proxies)).toBe("127.0.0.1");
    // every hop trusted: the leftmost one the proxies vouch for
    expect(clientAddress("127.0.0.1", "10.1.1.1, 10.2.2.2", proxies)).toBe("10.1.1.1");
  });

  it("accepts only addresses and CIDR ranges in TRUST_PROXY; a hop count is refused at start", () => {
    expect(() => parseEnv({ NODE_ENV: "test", TRUST_PROXY: "127.0.0.1,10.0.0.0/8", SESSION_SECRET: "x".repeat(32) })).not.toThrow();
    for (const bad of ["1", "true", "10.0.0.0/40", "loopback"]) {
      expect(() => parseEnv({ NODE_ENV: "test", TRUST_PROXY: bad, SESSION_SECRET: "x".repeat(32) }), bad).toThrow(/TRUST_PROXY.*e\.g\. TRUST_PROXY=127\.0\.0\.1,10\.0\.0\.0\/8/s);
    }
  });
});
