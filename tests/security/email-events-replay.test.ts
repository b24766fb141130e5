import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleRequest } from "../../app/http/handler.server.ts";
import { isSuppressed } from "../../app/services/subscriptions/suppression.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { resetEnv } from "../../app/utils/env.server.ts";

// The email-events webhook over HTTP with its real authentication: replays of an event change nothing.
const SECRET = "webhook-replay-secret-0123456789abcdef";
beforeAll(() => {
  process.env.EMAIL_WEBHOOK_SECRET = SECRET;
  delete process.env.EMAIL_EVENT_MAX_AGE_SECONDS;
  resetEnv();
});
afterAll(() => {
  delete process.env.EMAIL_WEBHOOK_SECRET;
  resetEnv();
});

const raw = (body: string, auth: Record<string, string>) =>
  handleRequest(
    new Request("http://hub.test/webhooks/email-events", { method: "POST", headers: { host: "hub.test", "content-type": "application/json", ...auth }, body }),
    { ip: "192.0.2.44" },
  );
const bearer = (events: unknown[]) => raw(JSON.stringify({ events }), { authorization: `Bearer ${SECRET}` });
const signed = (body: string) => raw(body, { "x-signature": `sha256=${crypto.createHmac("sha256", SECRET).update(body).digest("hex")}` });
const now = () => new Date().toISOString();
let n = 0;
const eventId = () => `evt-${Date.now()}-${++n}-${crypto.randomBytes(3).toString("hex")}`;

describe("email-events webhook replays", () => {
  it("three copies of one soft bounce count once and do not suppress the address", async () => {
    const soft = { id: eventId(), timestamp: now(), type: "bounce", bounceType: "soft", email: "copies@example.org" };
    const first = await bearer([soft, soft]);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ softBounces: 1, duplicates: 1 });
    const again = await bearer([soft]);
    expect(await again.json()).toMatchObject({ softBounces: 0, duplicates: 1 });
    expect(await isSuppressed(prisma(), "copies@example.org")).toBe(false);
    // Three distinct soft bounces still suppress, as documented.
    const two = [1, 2].map(() => ({ ...soft, id: eventId() }));
    expect(await (await bearer(two)).json()).toMatchObject({ softBounces: 2, suppressed: 1 });
    expect(await isSuppressed(prisma(), "copies@example.org")).toBe(true);
  });

  it("a signed request replayed, even concurrently, is applied once", async () => {
    const body = JSON.stringify({ events: [{ id: eventId(), timestamp: now(), type: "bounce", bounceType: "soft", email: "signed@example.org" }] });
    const answers = await Promise.all([signed(body), signed(body), signed(body)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    const counts = await Promise.all(answers.map((r) => r.json() as Promise<{ softBounces: number; duplicates: number }>));
    expect(counts.reduce((s, c) => s + c.softBounces, 0)).toBe(1);
    expect(counts.reduce((s, c) => s + c.duplicates, 0)).toBe(2);
    expect((await prisma().softBounceCounter.findUniqueOrThrow({ where: { email: "signed@example.org" } })).count).toBe(1);
  });

  it("refuses events with a stale or far-future timestamp, and events without an id or a timestamp", async () => {
    const old = new Date(Date.now() - 4 * 86400_000).toISOString();
    const future = new Date(Date.now() + 3600_000).toISOString();
    const res = await bearer([
      { id: eventId(), timestamp: old, type: "complaint", email: "stale@example.org" },
      { id: eventId(), timestamp: future, type: "complaint", email: "stale@example.org" },
      { id: eventId(), timestamp: Math.floor(Date.now() / 1000) - 5 * 86400, type: "bounce", bounceType: "hard", email: "stale@example.org" },
      { timestamp: now(), type: "complaint", email: "stale@example.org" },
      { id: eventId(), type: "complaint", email: "stale@example.org" },
    ]);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ stale: 3, invalid: 2, complaints: 0, hardBounces: 0, suppressed: 0 });
    expect(await isSuppressed(prisma(), "stale@example.org")).toBe(false);
    // Unix seconds within the window are fine.
    const fresh = await bearer([{ id: eventId(), timestamp: Math.floor(Date.now() / 1000), type: "complaint", email: "stale@example.org" }]);
    expect(await fresh.json()).toMatchObject({ complaints: 1, suppressed: 1 });
  });

  it("the window is a setting", async () => {
    process.env.EMAIL_EVENT_MAX_AGE_SECONDS = "600";
    resetEnv();
    try {
      const res = await bearer([{ id: eventId(), timestamp: new Date(Date.now() - 3600_000).toISOString(), type: "complaint", email: "window@example.org" }]);
      expect(await res.json()).toMatchObject({ stale: 1, complaints: 0 });
    } finally {
      delete process.env.EMAIL_EVENT_MAX_AGE_SECONDS;
      resetEnv();
    }
  });

  it("bounces of one message never count more than once on its send", async () => {
    const send = await prisma().bulkSend.create({ data: { kind: "DISTRIBUTION", enqueued: 1, sent: 1 } });
    const messageId = `<replay-${eventId()}@hub.test>`;
    await prisma().outboxMessage.create({
      data: { key: `replay-test:${send.id}`, messageId, toAddress: "one@example.org", subject: "s", html: "", text: "", status: "SENT", priority: "BULK", sendId: send.id },
    });
    const soft = { id: eventId(), timestamp: now(), type: "bounce", bounceType: "soft", email: "one@example.org", messageId };
    const hard = { ...soft, id: eventId(), bounceType: "hard" };
    const res = await bearer([soft, soft, hard]);
    expect(await res.json()).toMatchObject({ softBounces: 1, hardBounces: 1, duplicates: 1, attributed: 1 });
    const after = await prisma().bulkSend.findUniqueOrThrow({ where: { id: send.id } });
    expect(after.bounced).toBe(1);
    expect(after.bounced).toBeLessThanOrEqual(after.sent);
  });

  it("the seen ids table refuses a second row for one id (the database enforces it)", async () => {
    const id = eventId();
    await prisma().emailEventSeen.create({ data: { eventId: id } });
    await expect(prisma().emailEventSeen.create({ data: { eventId: id } })).rejects.toThrow(/duplicate key|unique constraint/i);
  });
});
