import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../app/utils/db.server.ts";
import { enqueueEmail } from "../emails/outbox.ts";
import { listMailbox, readMailboxMessage } from "../emails/transport.ts";
import { claimDue } from "../emails/claim.ts";
import { listFailedMessages, retryMessage } from "../emails/outbox-status.ts";
import { deliverDue } from "../emails/worker.ts";
import { startSmtpSink } from "./helpers/smtp-sink.ts";

const mail = (key: string, extra: Partial<Parameters<typeof enqueueEmail>[1]> = {}) =>
  enqueueEmail(prisma(), { key, to: `${key.replace(/\W/g, "")}@example.org`, subject: `Subject ${key}`, html: `<p>${key}</p>`, text: `Text ${key}`, ...extra });

describe("file mailbox (no SMTP_URL)", () => {
  it("writes .eml files admins can list and read, and refuses path tricks", async () => {
    await mail("mailbox-1");
    expect(await deliverDue()).toEqual({ sent: 1, retried: 0, failed: 0 });
    const [entry] = await listMailbox();
    expect(entry).toMatchObject({ to: "mailbox1@example.org", subject: "Subject mailbox-1" });
    expect(readMailboxMessage(entry.file)).toContain("Text mailbox-1");
    expect(readMailboxMessage("../session-secret")).toBeNull();
  });
});

describe("SMTP delivery", () => {
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(() => sink.stop());
  afterEach(() => {
    sink.control.reject = null;
  });
  const copies = (key: string) => sink.received.filter((m) => m.parsed.subject === `Subject ${key}`);

  it("sends HTML, text and a stable Message-ID; the same key queued twice is one mail", async () => {
    await mail("smtp-1");
    await mail("smtp-1");
    await deliverDue();
    const [received] = copies("smtp-1");
    expect(copies("smtp-1")).toHaveLength(1);
    expect(received.parsed.html).toContain("<p>smtp-1</p>");
    expect(received.parsed.text?.trim()).toBe("Text smtp-1");
    const row = await prisma().outboxMessage.findUniqueOrThrow({ where: { key: "smtp-1" } });
    expect(received.parsed.messageId).toBe(row.messageId);
    expect(row.status).toBe("SENT");
  });

  it("passes calendar content as a text/calendar part with the same method", async () => {
    await mail("ical-1", { ical: { method: "REQUEST", content: "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n" } });
    await deliverDue();
    expect(copies("ical-1")[0].raw).toMatch(/Content-Type: text\/calendar; charset=utf-8; method=REQUEST/i);
  });

  it("retries temporary failures with backoff, then marks permanent ones failed for admins", async () => {
    await mail("retry-1");
    const t0 = new Date(Date.now() + 1000);
    sink.control.reject = { code: 451, message: "Try again later" };
    expect(await deliverDue({ now: t0 })).toMatchObject({ retried: 1 });
    const waiting = await prisma().outboxMessage.findUniqueOrThrow({ where: { key: "retry-1" } });
    expect(waiting).toMatchObject({ status: "PENDING", attempts: 1 });
    expect(waiting.nextAttemptAt.getTime()).toBeGreaterThan(t0.getTime());
    expect(await deliverDue({ now: t0 })).toEqual({ sent: 0, retried: 0, failed: 0 });
    sink.control.reject = null;
    expect(await deliverDue({ now: waiting.nextAttemptAt })).toMatchObject({ sent: 1 });
    expect(copies("retry-1")).toHaveLength(1);

    await mail("bounce-1");
    sink.control.reject = { code: 550, message: "No such mailbox" };
    expect(await deliverDue()).toMatchObject({ failed: 1 });
    sink.control.reject = null;
    const [failed] = await listFailedMessages();
    expect(failed).toMatchObject({ subject: "Subject bounce-1" });
    expect(failed.lastError).toContain("No such mailbox");
    expect(await retryMessage(failed.id)).toBe(true);
    expect(await deliverDue()).toMatchObject({ sent: 1 });
  });

  it("a worker that dies between claim and send loses nothing and duplicates nothing", async () => {
    await mail("crash-1");
    const t0 = new Date(Date.now() + 1000);
    const claimed = await claimDue("worker-that-dies", { now: t0, leaseMs: 60_000 });
    expect(claimed.map((m) => m.key)).toContain("crash-1");
    // While the lease holds, no other worker takes it.
    await deliverDue({ workerId: "worker-b", now: new Date(t0.getTime() + 30_000) });
    expect(copies("crash-1")).toHaveLength(0);
    // After the lease, another worker delivers it exactly once.
    await deliverDue({ workerId: "worker-b", now: new Date(t0.getTime() + 61_000) });
    await deliverDue({ workerId: "worker-c", now: new Date(t0.getTime() + 200_000) });
    expect(copies("crash-1")).toHaveLength(1);
    // The dead worker's late completion cannot flip the row: it no longer holds the lease.
    const row = await prisma().outboxMessage.findUniqueOrThrow({ where: { key: "crash-1" } });
    expect(row).toMatchObject({ status: "SENT", lockedBy: null });
  });

  it("two workers running at once deliver each message exactly once", async () => {
    for (let i = 0; i < 20; i++) await mail(`pair-${i}`);
    const results = await Promise.all([deliverDue({ workerId: "w1", batchSize: 3 }), deliverDue({ workerId: "w2", batchSize: 3 })]);
    expect(results[0].sent + results[1].sent).toBe(20);
    const ids = sink.received.filter((m) => m.parsed.subject?.startsWith("Subject pair-")).map((m) => m.parsed.messageId);
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
  });
});
