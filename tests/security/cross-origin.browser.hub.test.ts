import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, signInTokenFor, startHub, type Hub } from "../helpers/hub-process.ts";

// The real server on one loopback port, a hostile page on another: another origin of the same site, so the
// victim's SameSite=Lax cookie rides along with everything the hostile page sends.
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "genmig-xorigin-"));
let base = "";
let hostile = "";
let hub: Hub;
let evil: http.Server;
let browser: Browser;
let victim: Page;
let partnerId = "";
const pages = new Map<string, string>();

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

/** An auto-submitting form, as an attacker's page would carry. */
const formPage = (action: string, fields: Record<string, string>, enctype = "application/x-www-form-urlencoded") =>
  `<!doctype html><form id="f" method="post" enctype="${enctype}" action="${escape(action)}">${Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`)
    .join("")}</form><script>document.getElementById("f").submit()</script>`;

/** Runs GraphQL as the signed-in victim from the app's own origin (same-origin JSON: allowed). */
async function asVictim<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  return victim.evaluate(
    async ({ query, variables }) => {
      const response = await fetch("/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
      return (await response.json()).data;
    },
    { query, variables },
  ) as Promise<T>;
}

const memberEmails = async () =>
  (await asVictim<{ partner: { members: { email: string }[] } }>(`query($id: ID!) { partner(id: $id) { members { email } } }`, { id: partnerId })).partner.members
    .map((m) => m.email)
    .sort();

beforeAll(async () => {
  hub = await startHub({ dataDir });
  base = hub.base;

  evil = http.createServer((req, res) => {
    const body = pages.get(req.url ?? "") ?? "<!doctype html><title>hostile</title>";
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(body);
  });
  await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
  hostile = `http://127.0.0.1:${(evil.address() as net.AddressInfo).port}`;

  browser = await launchChromium();
  const context = await browser.newContext();
  victim = await context.newPage();
  await victim.goto(`${base}/auth/sign-in`);
  await victim.fill("#f-email", "focal@example.org");
  await victim.click("main button[type=submit]");
  const token = await signInTokenFor(dataDir, "focal@example.org");
  await victim.goto(`${base}/auth/verify?token=${token}`);
  await victim.click("main button[type=submit]");
  await victim.waitForURL(`${base}/account`);
  const me = await asVictim<{ me: { memberships: { partnerId: string; role: string }[] } }>("{ me { memberships { partnerId role } } }");
  partnerId = me.me.memberships.find((m) => m.role === "FOCAL_POINT")!.partnerId;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => evil?.close(resolve));
  hub?.stop();
});

function hostilePage(pathname: string, html: string) {
  pages.set(pathname, html);
  return `${hostile}${pathname}`;
}

describe("in Chromium, a page on another loopback port (same site, other origin)", () => {
  it("cannot add a focal point with a form POST to ?_data=", async () => {
    const before = await memberEmails();
    const attack = await victim.context().newPage();
    const url = hostilePage("/form-data", formPage(`${base}/partners/${partnerId}?_data=routes%2Fpartners.%24id`, { intent: "invite", email: "attacker-form@evil.test", role: "FOCAL_POINT" }));
    const [response] = await Promise.all([attack.waitForResponse((r) => r.url().includes(`/partners/${partnerId}`)), attack.goto(url)]);
    expect(response.status()).toBe(403);
    await attack.close();
    expect(await memberEmails()).toEqual(before);
  }, 60_000);

  it("cannot run a GraphQL mutation with a urlencoded or multipart form POST", async () => {
    const before = await memberEmails();
    const query = `mutation { invitePartnerMember(partnerId: "${partnerId}", email: "attacker-gql@evil.test", role: FOCAL_POINT) { id } }`;
    for (const enctype of ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]) {
      const attack = await victim.context().newPage();
      const url = hostilePage(`/graphql-${enctype.replace(/\W/g, "")}`, formPage(`${base}/graphql`, { query }, enctype));
      const [response] = await Promise.all([attack.waitForResponse((r) => r.url().startsWith(`${base}/graphql`)), attack.goto(url)]);
      expect(response.status(), enctype).toBe(403);
      await attack.close();
    }
    expect(await memberEmails()).toEqual(before);
  }, 60_000);

  it("cannot read the victim's data with a credentialed fetch, nor send a JSON mutation", async () => {
    const before = await memberEmails();
    const attack = await victim.context().newPage();
    await attack.goto(hostilePage("/fetch", "<!doctype html><title>fetch</title>"));
    const outcome = await attack.evaluate(
      async ({ base, partnerId }) => {
        const attempt = async (fn: () => Promise<Response>) => {
          try {
            const response = await fn();
            return `read ${response.status}: ${await response.text()}`;
          } catch (error) {
            return `blocked: ${String(error)}`;
          }
        };
        const read = await attempt(() => fetch(`${base}/graphql?query=${encodeURIComponent(`{ me { email } partner(id: "${partnerId}") { members { email } } }`)}`, { credentials: "include" }));
        const post = await attempt(() =>
          fetch(`${base}/graphql`, {
            method: "POST",
            credentials: "include",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ query: `mutation { invitePartnerMember(partnerId: "${partnerId}", email: "attacker-fetch@evil.test", role: FOCAL_POINT) { id } }` }),
          }),
        );
        // A "simple" request needs no preflight: it is sent, and must be refused by the server itself.
        const simple = await attempt(() =>
          fetch(`${base}/graphql`, {
            method: "POST",
            credentials: "include",
            mode: "no-cors",
            headers: { "content-type": "text/plain" },
            body: JSON.stringify({ query: `mutation { invitePartnerMember(partnerId: "${partnerId}", email: "attacker-nocors@evil.test", role: FOCAL_POINT) { id } }` }),
          }),
        );
        return { read, post, simple };
      },
      { base, partnerId },
    );
    await attack.close();
    expect(outcome.read).toMatch(/^blocked/);
    expect(outcome.read).not.toContain("focal@example.org");
    expect(outcome.post).toMatch(/^blocked/);
    expect(await memberEmails()).toEqual(before);
    expect(before.some((e) => e.endsWith("@evil.test"))).toBe(false);
  }, 60_000);

  it("the victim's own page still works (a same-origin form POST invites a colleague)", async () => {
    await victim.goto(`${base}/partners/${partnerId}`);
    await victim.fill("input[name=email]", "new-colleague@example.org");
    await victim.click("button[name=intent][value=invite]");
    // Membership starts when the invitee accepts; what the POST does at once is queue the invitation mail.
    const invited = () => {
      const dir = path.join(dataDir, "mail");
      return fs.existsSync(dir) && fs.readdirSync(dir).some((f) => /^To: new-colleague@example\.org$/m.test(fs.readFileSync(path.join(dir, f), "utf8")));
    };
    await expect.poll(invited, { timeout: 20_000 }).toBe(true);
  }, 60_000);
});

/** A raw HTTP/1.1 exchange, for what fetch will not send (a chunked body, a malformed Host). */
function rawHttp(lines: string[], body: Buffer | null = null): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(new URL(base).port), "127.0.0.1", () => {
      socket.write(lines.join("\r\n") + "\r\n\r\n");
      if (body) socket.write(body);
    });
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk.toString("latin1");
      if (/\r\n\r\n/.test(answer)) {
        socket.destroy();
        resolve(answer);
      }
    });
    socket.on("error", reject);
  });
}

describe("the express front door applies the same guard", () => {
  it("refuses oversized bodies, declared or chunked, with 413", async () => {
    const big = "a".repeat(2 * 1024 * 1024);
    const declared = await fetch(`${base}/partners/register`, { method: "POST", body: `name=${big}`, headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(declared.status).toBe(413);
    const chunk = Buffer.from(`${(64 * 1024).toString(16)}\r\n${"a".repeat(64 * 1024)}\r\n`);
    const chunked = await rawHttp(
      ["POST /partners/register HTTP/1.1", `Host: ${new URL(base).host}`, "Content-Type: application/x-www-form-urlencoded", "Transfer-Encoding: chunked"],
      Buffer.concat(Array.from({ length: 20 }, () => chunk)),
    );
    expect(chunked).toMatch(/^HTTP\/1\.1 413/);
  });

  it("answers a NUL path and a malformed Host with 400, and puts nosniff and a CSP on /healthz", async () => {
    expect((await fetch(`${base}/webinars/%00`)).status).toBe(400);
    expect(await rawHttp(["GET /webinars HTTP/1.1", "Host: a b", "Connection: close"])).toMatch(/^HTTP\/1\.1 400/);
    const health = await fetch(`${base}/healthz`);
    expect(health.headers.get("x-content-type-options")).toBe("nosniff");
    expect(health.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
  });
});

