import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestSignInLink, signInWithToken } from "../app/services/auth.server.ts";
import { prisma } from "../app/utils/db.server.ts";
import { deliverDue } from "../emails/worker.ts";
import { makePartner, makeUser } from "./factories.ts";
import { Client } from "./helpers/app.ts";
import { startSmtpSink } from "./helpers/smtp-sink.ts";

let sink: Awaited<ReturnType<typeof startSmtpSink>>;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(() => sink.stop());

const linkIn = (text: string) => /http:\/\/hub\.test\/auth\/verify\?token=([\w-]+)/.exec(text)?.[1];

describe("magic-link sign-in end to end", () => {
  it("emails a single-use link; GET shows a button, only POST signs in; the session works and can be revoked", async () => {
    const partner = await makePartner({ language: "es" });
    const browser = new Client("198.51.100.1");
    await deliverDue();
    const before = sink.received.length;
    const asked = await browser.post("/auth/sign-in", { email: partner.focalPointEmail.toUpperCase() });
    expect(asked.status).toBe(200);
    await deliverDue();
    const [mail] = (await sink.waitFor(before + 1)).slice(before);
    expect(mail.to).toBe(partner.focalPointEmail);
    expect(mail.parsed.subject).toBe("Su enlace de acceso a GenMig Hub");
    expect(mail.parsed.html).toContain("/auth/verify?token=");
    const token = linkIn(mail.parsed.text ?? "");
    expect(token && Buffer.from(token, "base64url").length).toBeGreaterThanOrEqual(16);
    expect(await prisma().signInToken.count({ where: { tokenHash: token } })).toBe(0);

    const page = await browser.get(`/auth/verify?token=${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('method="post"');
    expect(await prisma().signInToken.count({ where: { usedAt: { not: null } } })).toBe(0);

    const signedIn = await browser.post("/auth/verify", { token: token! });
    expect(signedIn.status).toBe(302);
    const cookie = signedIn.headers.get("set-cookie")!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const me = await browser.graphql<{ me: { email: string } }>("{ me { email } }");
    expect(me.data?.me.email).toBe(partner.focalPointEmail);

    const reuse = await new Client().post("/auth/verify", { token: token! });
    expect(reuse.status).toBe(400);
    expect(await reuse.text()).toContain("invalid, expired or already used");

    const session = await prisma().session.findFirstOrThrow({ where: { user: { email: partner.focalPointEmail } } });
    await browser.post("/auth/sign-out", {});
    expect((await prisma().session.findUniqueOrThrow({ where: { id: session.id } })).revokedAt).not.toBeNull();
    expect((await browser.graphql("{ me { email } }")).data).toEqual({ me: null });
  });

  it("rejects an expired token and says the same thing for unknown addresses", async () => {
    const user = await makeUser();
    const t0 = new Date("2026-01-01T10:00:00Z");
    const outboxBefore = await prisma().outboxMessage.count();
    await requestSignInLink({ email: user.email, browser: "browser-1", now: t0 });
    expect(await requestSignInLink({ email: "nobody@example.org", browser: "browser-1", now: t0 })).toEqual({ ok: true });
    expect(await prisma().outboxMessage.count()).toBe(outboxBefore + 1);
    const mail = await prisma().outboxMessage.findFirstOrThrow({ where: { toAddress: user.email }, orderBy: { createdAt: "desc" } });
    const token = linkIn(mail.text)!;
    await expect(signInWithToken({ token, browser: "browser-1", now: new Date(t0.getTime() + 16 * 60_000) })).rejects.toMatchObject({ key: "token_invalid" });
    await expect(signInWithToken({ token, browser: "browser-1", now: new Date(t0.getTime() + 14 * 60_000) })).resolves.toHaveProperty("sessionSecret");
  });

  it("limits per requester and per IP; a flood about an address stops the mail but never the answer", async () => {
    const user = await makeUser();
    const now = new Date("2026-02-01T10:00:00Z");
    for (let i = 0; i < 6; i++) expect(await requestSignInLink({ email: user.email, ip: "192.0.2.1", now })).toEqual({ ok: true });
    expect(await prisma().signInToken.count({ where: { email: user.email } })).toBe(3);
    // the owner, elsewhere, still gets a link
    await requestSignInLink({ email: user.email, ip: "192.0.2.3", now });
    expect(await prisma().signInToken.count({ where: { email: user.email } })).toBe(4);
    for (let i = 0; i < 14; i++) await requestSignInLink({ email: `x${i}@example.org`, ip: "192.0.2.1", now });
    await expect(requestSignInLink({ email: "y@example.org", ip: "192.0.2.1", now })).rejects.toMatchObject({ code: "RATE_LIMITED" });

    const browser = new Client("192.0.2.9");
    for (let i = 0; i < 20; i++) expect((await browser.post("/auth/sign-in", { email: `z${i}@example.org` })).status).toBe(200);
    const limited = await browser.post("/auth/sign-in", { email: "z@example.org" });
    expect(limited.status).toBe(429);
    expect(await limited.text()).toContain("Too many requests");
  });

  it("signs API calls with a Bearer token until it is revoked", async () => {
    const staff = await makeUser({ role: "STAFF" });
    const { createApiToken, revokeApiToken } = await import("../app/services/api-tokens.server.ts");
    const created = await createApiToken(staff, { name: "script" });
    expect(await prisma().apiToken.count({ where: { tokenHash: created.token } })).toBe(0);
    const api = new Client();
    expect((await api.graphql<{ me: { email: string } }>("{ me { email } }", {}, created.token)).data?.me.email).toBe(staff.email);
    await revokeApiToken(staff, created.id);
    expect((await api.graphql("{ me { email } }", {}, created.token)).data).toEqual({ me: null });
  });
});
