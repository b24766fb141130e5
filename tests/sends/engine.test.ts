import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../../app/utils/db.server.ts";
import { bodyIdFor, countBounce, createSend, enqueueBulk, markComposed, sendsProgress } from "../../app/services/sends/sends.server.ts";
import { enqueueEmails } from "../../emails/outbox.ts";
import { deliverDue } from "../../emails/worker.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";

// The bulk side of the mail engine over a real SMTP server: one shared body merged per recipient, the send's
// aggregate counts, and the rolling 24-hour cap (transactional mail never capped).
describe("bulk sends", () => {
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(() => sink.stop());
  afterEach(() => {
    sink.control.rejectFor = null;
    sink.received.length = 0;
  });

  async function queue(prefix: string, n: number, opts: { to?: (i: number) => string } = {}) {
    const send = await createSend(prisma(), { kind: "DISTRIBUTION" });
    const body = { id: bodyIdFor(send.id, prefix), subject: `News for {{name}}`, html: `<p>Hello {{name}}</p><a href="{{url}}">manage</a>`, text: `Hello {{name}}\n{{url}}` };
    const recipients = Array.from({ length: n }, (_, i) => ({
      key: `${prefix}:${i}`,
      to: opts.to?.(i) ?? `${prefix}${i}@example.org`,
      bodyId: body.id,
      mergeData: { name: i === 0 ? `<b>Ana & co</b>` : `Reader ${i}`, url: `http://hub.test/subscription/tok${i}` },
      headers: { "List-Unsubscribe": `<http://hub.test/unsubscribe/tok${i}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
    }));
    const queued = await prisma().$transaction((tx) => enqueueBulk(tx, send.id, [body], recipients));
    await prisma().bulkSend.update({ where: { id: send.id }, data: { total: n, enqueued: queued } });
    await markComposed(prisma(), send.id);
    return { send, queued };
  }

  it("merges each recipient's values into one shared body, escaped in HTML, with their own headers", async () => {
    const { send, queued } = await queue("merge", 3);
    expect(queued).toBe(3);
    // Queuing the same keys again is a no-op.
    expect(await prisma().$transaction((tx) => enqueueBulk(tx, send.id, [], [{ key: "merge:0", to: "x@example.org", bodyId: bodyIdFor(send.id, "merge"), mergeData: {}, headers: {} }]))).toBe(0);
    expect(await prisma().mailBody.count({ where: { id: bodyIdFor(send.id, "merge") } })).toBe(1);
    expect((await deliverDue()).sent).toBe(3);
    const mails = await sink.waitFor(3);
    const first = mails.find((m) => m.to === "merge0@example.org")!;
    expect(first.parsed.subject).toBe("News for <b>Ana & co</b>");
    expect(first.parsed.html).toContain("Hello &lt;b&gt;Ana &amp; co&lt;/b&gt;");
    expect(first.parsed.html).not.toContain("<b>Ana");
    expect(first.parsed.text).toContain("Hello <b>Ana & co</b>\nhttp://hub.test/subscription/tok0");
    expect(first.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    const second = mails.find((m) => m.to === "merge2@example.org")!;
    expect(second.parsed.text).toContain("Hello Reader 2\nhttp://hub.test/subscription/tok2");
    expect(String(second.raw)).toMatch(/^List-Unsubscribe: <http:\/\/hub\.test\/unsubscribe\/tok2>/m);
    const [progress] = await sendsProgress(prisma(), { ids: [send.id] });
    expect(progress).toMatchObject({ status: "DONE", total: 3, enqueued: 3, sent: 3, failed: 0, pending: 0, delivered: 3 });
    expect(progress.finishedAt).not.toBeNull();
    // A bounce reported later by the provider, by Message-ID: counted on the send, delivered is the rest.
    expect(await countBounce(prisma(), first.messageId)).toBe(true);
    expect(await countBounce(prisma(), "<unknown@hub.test>")).toBe(false);
    const [afterBounce] = await sendsProgress(prisma(), { ids: [send.id] });
    expect(afterBounce).toMatchObject({ sent: 3, bounced: 1, delivered: 2 });
  });

  it("counts permanent refusals as failed, and the send is done when every message has an outcome", async () => {
    sink.control.rejectFor = (a) => (a.startsWith("count1@") ? { code: 550, message: "No such user" } : null);
    const { send } = await queue("count", 4);
    await deliverDue();
    const [progress] = await sendsProgress(prisma(), { ids: [send.id] });
    expect(progress).toMatchObject({ status: "DONE", sent: 3, failed: 1, pending: 0 });
  });

  it("stops bulk mail at the daily cap, keeps sending transactional mail, and continues when the window frees", async () => {
    const now = new Date(Date.now() + 3 * 86_400_000); // clear of the earlier tests' usage
    const { send } = await queue("capped", 8);
    await enqueueEmails(prisma(), [{ key: "cap-sign-in", to: "signin@example.org", subject: "Sign in", html: "<p>link</p>", text: "link" }]);
    expect((await deliverDue({ now, dailyCap: 5 })).sent).toBe(6);
    expect(sink.received.filter((m) => m.to.startsWith("capped")).length).toBe(5);
    expect(sink.received.some((m) => m.to === "signin@example.org")).toBe(true);

    // The window is full: nothing more in bulk, but a new sign-in link still goes.
    await enqueueEmails(prisma(), [{ key: "cap-sign-in-2", to: "signin2@example.org", subject: "Sign in", html: "<p>link</p>", text: "link" }]);
    const later = new Date(now.getTime() + 3600_000);
    expect((await deliverDue({ now: later, dailyCap: 5 })).sent).toBe(1);
    let [progress] = await sendsProgress(prisma(), { ids: [send.id], now: later });
    expect(progress).toMatchObject({ status: "SENDING", sent: 5, pending: 3 });

    // A day after the first minute: the same send continues by itself.
    const nextDay = new Date(now.getTime() + 24 * 3600_000 + 2 * 60_000);
    expect((await deliverDue({ now: nextDay, dailyCap: 5 })).sent).toBe(3);
    [progress] = await sendsProgress(prisma(), { ids: [send.id], now: nextDay });
    expect(progress).toMatchObject({ status: "DONE", sent: 8, pending: 0 });
  });
});
