import { describe, expect, it } from "vitest";
import { prisma } from "../../app/utils/db.server.ts";
import { makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";

const tokenIn = (text: string) => /\/auth\/verify\?token=([\w-]+)/.exec(text)![1];
const lastLinkFor = async (email: string) =>
  tokenIn((await prisma().outboxMessage.findFirstOrThrow({ where: { toAddress: email }, orderBy: { createdAt: "desc" } })).text);
const me = async (c: Client) => (await c.graphql<{ me: { email: string } | null }>("{ me { email } }")).data?.me?.email ?? null;

describe("the sign-in POST is bound to the browser that asked for the link", () => {
  it("one click in the browser that asked", async () => {
    const user = await makeUser();
    const browser = new Client("203.0.113.20");
    const asked = await browser.post("/auth/sign-in", { email: user.email });
    expect(asked.headers.get("set-cookie")).toMatch(/gmh_signin=[\w-]+;.*HttpOnly.*SameSite=Strict/);
    const signedIn = await browser.post("/auth/verify", { token: await lastLinkFor(user.email) });
    expect(signedIn.status).toBe(302);
    expect(await me(browser)).toBe(user.email);
  });

  it("another site POSTing the attacker's own token signs the victim's browser into nothing: it asks first", async () => {
    const attacker = await makeUser({ email: "attacker@evil.example" });
    const attackerBrowser = new Client("198.51.100.40");
    await attackerBrowser.post("/auth/sign-in", { email: attacker.email });
    const token = await lastLinkFor(attacker.email);

    const victim = new Client("203.0.113.21");
    for (const path of ["/auth/verify", "/auth/verify?_data=routes%2Fauth.verify", "/auth/verify.data"]) {
      const forged = await victim.post(path, { token });
      expect(forged.status, path).toBe(200);
      expect(forged.headers.get("set-cookie") ?? "").not.toContain("gmh_session");
      expect(await me(victim)).toBeNull();
    }
    const page = await (await victim.post("/auth/verify", { token })).text();
    expect(page).toContain("Sign in as attacker@evil.example?");
    // the token is still unused: its owner can still sign in
    expect((await prisma().signInToken.findFirstOrThrow({ where: { email: attacker.email } })).usedAt).toBeNull();
    expect((await attackerBrowser.post("/auth/verify", { token })).status).toBe(302);
  });

  it("opening the link on another device works after an explicit confirmation that only that device can send", async () => {
    const user = await makeUser({ email: "traveller@example.org" });
    await new Client("203.0.113.22").post("/auth/sign-in", { email: user.email });
    const token = await lastLinkFor(user.email);

    const phone = new Client("203.0.113.23");
    const step = await phone.post("/auth/verify", { token });
    const html = await step.text();
    expect(html).toContain("Sign in as traveller@example.org?");
    expect(await me(phone)).toBeNull();
    const confirmation = /name="confirmation" value="([^"]+)"/.exec(html)![1];

    // copied into a third browser (or a forged form), the confirmation is worthless: it is tied to the phone's cookie
    const third = new Client("203.0.113.24");
    const copied = await third.post("/auth/verify", { token, confirmation });
    expect(copied.status).toBe(200);
    expect(await me(third)).toBeNull();

    const done = await phone.post("/auth/verify", { token, confirmation });
    expect(done.status).toBe(302);
    expect(await me(phone)).toBe(user.email);
  });

  it("a link asked for through the API (no browser) also asks for confirmation", async () => {
    const user = await makeUser();
    await new Client("203.0.113.25").graphql(`mutation { requestSignInLink(email: "${user.email}") { ok } }`);
    const browser = new Client("203.0.113.26");
    const first = await browser.post("/auth/verify", { token: await lastLinkFor(user.email) });
    expect(first.status).toBe(200);
    expect(await me(browser)).toBeNull();
  });
});
