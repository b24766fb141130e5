import { describe, expect, it } from "vitest";
import { handleRequest } from "../../app/http/handler.server.ts";
import { bodyIdFor, createSend, enqueueBulk, markComposed, sendsProgress } from "../../app/services/sends/sends.server.ts";
import { suppress } from "../../app/services/subscriptions/suppression.server.ts";
import { database, prisma } from "../../app/utils/db.server.ts";
import { enqueueEmails } from "../../emails/outbox.ts";
import { SUPPRESSED } from "../../emails/outcomes.ts";
import { deliverDue } from "../../emails/worker.ts";
import { useWebhookAndSmtpSink } from "../helpers/webhook-mail.ts";

// What happens to a send's messages after they are queued: an address suppressed meanwhile is not mailed (bulk
// only), and bounces the provider reports by Message-ID count on the send. Over a real SMTP server.
const SECRET = "webhook-secret-for-delivery-tests-0123";
const mail = useWebhookAndSmtpSink(SECRET);

async function queue(prefix: string, n: number) {
  const send = await createSend(prisma(), { kind: "DISTRIBUTION" });
  const body = { id: bodyIdFor(send.id, prefix), subject: `News for {{name}}`, html: `<p>Hello {{name}}</p>`, text: `Hello {{name}}` };
  const recipients = Array.from({ length: n }, (_, i) => ({
    key: `${prefix}:${i}`,
    to: `${prefix}${i}@example.org`,
    bodyId: body.id,
    mergeData: { name: `Reader ${i}` },
    headers: { "List-Unsubscribe": `<http://hub.test/unsubscribe/${prefix}${i}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
  }));
  const queued = await prisma().$transaction((tx) => enqueueBulk(tx, send.id, [body], recipients));
  await prisma().bulkSend.update({ where: { id: send.id }, data: { total: n, enqueued: queued } });
  await markComposed(prisma(), send.id);
  return send;
}

/** Suppression lookups made while fn runs. */
async function countSuppressionQueries<T>(fn: () => Promise<T>) {
  const db = database();
  const base = db.prisma;
  let queries = 0;
  db.prisma = base.$extends({
    query: {
      async $allOperations({ model, operation, args, query }) {
        // The lookup is a raw query (one `= ANY` over the batch's addresses); count those naming the table too.
        const raw = operation.startsWith("$queryRaw") && JSON.stringify(args ?? null).includes("SuppressionEntry");
        if (model === "SuppressionEntry" || raw) queries++;
        return query(args);
      },
    },
  }) as unknown as typeof base;
  try {
    return { result: await fn(), queries };
  } finally {
    db.prisma = base;
  }
}

describe("delivery outcomes", () => {
  it("does not send bulk mail to an address suppressed after it was queued; transactional mail still goes", async () => {
    const send = await queue("late", 8);
    await enqueueEmails(prisma(), [{ key: "late-sign-in", to: "late1@example.org", subject: "Sign in", html: "<p>link</p>", text: "link" }]);
    // After queuing: a hard bounce, a complaint, and an unsubscribe written with other letter case.
    await suppress(prisma(), "late1@example.org", "HARD_BOUNCE", "550 no such user");
    await suppress(prisma(), "late4@example.org", "COMPLAINT");
    await suppress(prisma(), "LATE6@Example.org", "UNSUBSCRIBED");
    mail.sink.received.length = 0;

    const { result, queries } = await countSuppressionQueries(() => deliverDue({ batchSize: 5 }));
    expect(result).toMatchObject({ sent: 6, failed: 3, retried: 0 });
    // One lookup per claimed batch (5 + 4 messages), not one per message.
    expect(queries).toBe(2);
    const to = mail.sink.received.map((m) => m.to).sort();
    expect(to).toEqual(["late0@example.org", "late1@example.org", "late2@example.org", "late3@example.org", "late5@example.org", "late7@example.org"]);
    expect(mail.sink.received.find((m) => m.to === "late1@example.org")!.parsed.subject).toBe("Sign in");

    const held = await prisma().outboxMessage.findMany({ where: { sendId: send.id, status: "FAILED" }, orderBy: { toAddress: "asc" } });
    expect(held.map((m) => [m.toAddress, m.lastError, m.attempts])).toEqual([
      ["late1@example.org", SUPPRESSED, 0],
      ["late4@example.org", SUPPRESSED, 0],
      ["late6@example.org", SUPPRESSED, 0],
    ]);
    const [progress] = await sendsProgress(prisma(), { ids: [send.id] });
    expect(progress).toMatchObject({ status: "DONE", enqueued: 8, sent: 5, failed: 3, pending: 0 });
  });

  it("counts bounces reported by the webhook with a Message-ID (hard and soft) on their send", async () => {
    const send = await queue("bounce", 4);
    mail.sink.received.length = 0;
    expect((await deliverDue()).sent).toBe(4);
    const ids = Object.fromEntries((await mail.sink.waitFor(4)).map((m) => [m.to, m.messageId!]));
    const post = (events: unknown[]) =>
      handleRequest(
        new Request("http://hub.test/webhooks/email-events", {
          method: "POST",
          headers: { host: "hub.test", "content-type": "application/json", authorization: `Bearer ${SECRET}` },
          body: JSON.stringify({ events: events.map((e, i) => ({ id: `outcome-${send.id}-${i}`, timestamp: new Date().toISOString(), ...(e as object) })) }),
        }),
        { ip: "192.0.2.19" },
      );
    const res = await post([
      { type: "bounce", bounceType: "hard", email: "bounce0@example.org", messageId: ids["bounce0@example.org"] },
      // Providers often drop the angle brackets.
      { type: "bounce", bounceType: "soft", email: "bounce1@example.org", messageId: ids["bounce1@example.org"].slice(1, -1) },
      { type: "bounce", bounceType: "hard", email: "stranger@example.org", messageId: "<unknown@hub.test>" },
      { type: "bounce", bounceType: "hard", email: "no-id@example.org" },
      { type: "complaint", email: "bounce2@example.org", messageId: ids["bounce2@example.org"] },
    ]);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ hardBounces: 3, softBounces: 1, complaints: 1, attributed: 2 });
    const [progress] = await sendsProgress(prisma(), { ids: [send.id] });
    expect(progress).toMatchObject({ sent: 4, bounced: 2, delivered: 2 });
  });
});
