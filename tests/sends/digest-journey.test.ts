import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sendDigestNow } from "../../app/services/sends/digests.server.ts";
import { confirmSubscription, subscribe } from "../../app/services/subscriptions/subscriptions.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { deliverDue } from "../../emails/worker.ts";
import { focalPointOf, makePartner } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { startSmtpSink, type ReceivedMail } from "../helpers/smtp-sink.ts";
import { makePublication } from "./publication-fixtures.ts";

// The digest end to end over real SMTP: subscribe and confirm from the mailed link, publish, the weekly digest
// in the reader's language with RFC 8058 headers, one-click unsubscribe, and the audience rule deciding who
// gets a partners-only brief.
/** A header as sent (unfolded), read from the raw message: mailparser turns List-* headers into objects. */
function rawHeader(raw: string, name: string) {
  const head = raw.slice(0, raw.search(/\r?\n\r?\n/)).replace(/\r?\n[ \t]+/g, " ");
  return new RegExp(`^${name}: (.*?)\\r?$`, "mi").exec(head)?.[1] ?? "";
}

describe("weekly digest", () => {
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(() => sink.stop());
  beforeEach(() => {
    sink.received.length = 0;
  });

  const mailTo = (to: string) => sink.received.filter((m) => m.to === to);
  async function deliver() {
    await deliverDue();
    return sink.received;
  }

  async function confirmedSubscriber(email: string, language: "en" | "fr" | "es", topics: string[]) {
    await subscribe({ email, language, topics, frequency: "WEEKLY" });
    await deliver();
    const confirmation = mailTo(email).at(-1)!;
    const token = /\/subscribe\/confirm\/([^\s"<>]+)/.exec(confirmation.parsed.text ?? "")![1];
    await confirmSubscription(decodeURIComponent(token));
    sink.received.length = 0;
  }

  it("reaches a confirmed subscriber in their language with one-click unsubscribe headers; after a one-click POST the next digest is not sent", async () => {
    await confirmedSubscriber("lectrice@example.org", "fr", ["CARE_WORK"]);
    await makePublication({ titles: { EN: "Care work across borders", FR: "Le travail de soin par-delà les frontières" } });
    await makePublication({ titles: { EN: "Remittances in 2026" }, topics: ["REMITTANCES"] });

    const send = await sendDigestNow("WEEKLY");
    expect(send.enqueued).toBeGreaterThanOrEqual(1);
    await deliver();
    const [digest] = mailTo("lectrice@example.org") as ReceivedMail[];
    expect(mailTo("lectrice@example.org")).toHaveLength(1);
    expect(digest.parsed.subject).toContain("GenMig Hub, la semaine");
    expect(digest.parsed.text).toContain("Le travail de soin par-delà les frontières");
    expect(digest.parsed.html).toContain("Le travail de soin par-delà les frontières");
    // Not in their topics.
    expect(digest.parsed.text).not.toContain("Remittances in 2026");
    // RFC 8058 and the rest of a well-formed bulk mail.
    const listUnsubscribe = rawHeader(digest.raw, "List-Unsubscribe");
    expect(listUnsubscribe).toMatch(/^<http:\/\/hub\.test\/unsubscribe\/[^>]+>, <mailto:[^>]+>$/);
    expect(rawHeader(digest.raw, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
    expect(digest.parsed.messageId).toMatch(/^<[0-9a-f]{32}@hub\.test>$/);
    expect(digest.parsed.text?.length).toBeGreaterThan(50);
    // The footer's links are this reader's own.
    const unsubscribeUrl = /<(http:\/\/hub\.test\/unsubscribe\/[^>]+)>/.exec(listUnsubscribe)![1];
    expect(digest.parsed.text).toContain(unsubscribeUrl);

    // Nothing new since: no mail at all.
    const again = await sendDigestNow("WEEKLY");
    expect(again.enqueued).toBe(0);

    // One-click: the POST a mail provider makes to the List-Unsubscribe URL (RFC 8058 body).
    const response = await new Client().fetch(new URL(unsubscribeUrl).pathname, {
      method: "POST",
      body: "List-Unsubscribe=One-Click",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(response.status).toBeLessThan(400);
    sink.received.length = 0;
    await makePublication({ titles: { EN: "Care work, part two", FR: "Le travail de soin, suite" } });
    const after = await sendDigestNow("WEEKLY");
    await deliver();
    const digests = mailTo("lectrice@example.org").filter((m) => m.parsed.subject?.includes("la semaine"));
    expect(digests).toEqual([]);
    expect(after.total).toBe(0);
    expect(after.enqueued).toBe(0);
  });

  it("a partners-only brief is in a partner person's digest and not in a plain subscriber's", async () => {
    await confirmedSubscriber("reader@example.org", "en", ["CARE_WORK", "DISPLACEMENT"]);
    const partner = await makePartner({ sector: "GOVERNMENT" });
    const person = await focalPointOf(partner);
    await prisma().userDigestPreference.create({ data: { userId: person.id, frequency: "WEEKLY", topics: [], createdAt: new Date(Date.now() - 60_000) } });
    await makePublication({ titles: { EN: "For partners only: displacement data" }, audience: "PARTNERS", topics: ["DISPLACEMENT"] });
    await makePublication({ titles: { EN: "Open to all: displacement trends" }, topics: ["DISPLACEMENT"] });
    // The partner's approval and sign-in mails are not what this test reads.
    await deliver();
    sink.received.length = 0;

    await sendDigestNow("WEEKLY");
    await deliver();
    const [forPartner] = mailTo(person.email);
    const [forReader] = mailTo("reader@example.org");
    expect(forPartner.parsed.text).toContain("For partners only: displacement data");
    expect(forPartner.parsed.text).toContain("Open to all: displacement trends");
    expect(forReader.parsed.text).toContain("Open to all: displacement trends");
    expect(forReader.parsed.text).not.toContain("For partners only");
    expect(forReader.parsed.html).not.toContain("For partners only");
    expect(rawHeader(forPartner.raw, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
    expect(rawHeader(forPartner.raw, "List-Unsubscribe")).toMatch(/^<http:\/\/hub\.test\/unsubscribe\/[^>]+>, <mailto:[^>]+>$/);
  });
});
