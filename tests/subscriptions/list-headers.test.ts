import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../../app/utils/db.server.ts";
import { listUnsubscribeHeaders, readPreferenceToken, unsubscribeUrl } from "../../app/services/subscriptions/links.server.ts";
import { isSuppressed, normaliseAddress, suppress, suppressedAmong, suppressionKey } from "../../app/services/subscriptions/suppression.server.ts";
import { enqueueEmails } from "../../emails/outbox.ts";
import { deliverDue } from "../../emails/worker.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";

/** The unfolded value of a header in a raw message. */
export function headerOf(raw: string, name: string) {
  const head = raw.slice(0, raw.search(/\r?\n\r?\n/)).replace(/\r?\n[ \t]+/g, " ");
  return new RegExp(`^${name}: (.*)$`, "im").exec(head)?.[1]?.trim();
}

describe("bulk mail headers and the suppression list", () => {
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink.stop();
  });

  it("carries RFC 8058 List-Unsubscribe headers from the outbox to the received mail", async () => {
    const recipient = { kind: "subscriber" as const, id: "ckabc123", preferenceTokenVersion: 1 };
    const headers = listUnsubscribeHeaders(recipient);
    await enqueueEmails(prisma(), [{ key: "digest:1", to: "reader@example.org", subject: "Digest", html: "<p>x</p>", text: "x", headers }], { priority: "BULK" });
    await enqueueEmails(prisma(), [{ key: "plain:1", to: "other@example.org", subject: "Plain", html: "<p>y</p>", text: "y" }]);
    await deliverDue();
    const [digest] = await sink.waitFor(2).then((all) => all.filter((m) => m.to === "reader@example.org"));
    expect(headerOf(digest.raw, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
    // mailparser reads List-* headers into one structure: the URL and the mailto are both there
    const list = digest.parsed.headers.get("list") as { unsubscribe?: { url?: string; mail?: string } };
    expect(list.unsubscribe?.url).toBe(unsubscribeUrl(recipient));
    expect(list.unsubscribe?.mail).toMatch(/^hub@genmig\.invalid\?subject=unsubscribe%20[\w.-]+$/);
    const [https, mailto] = headerOf(digest.raw, "List-Unsubscribe")!.split(/,\s*/);
    expect(https).toBe(`<${unsubscribeUrl(recipient)}>`);
    expect(https.startsWith("<http://hub.test/unsubscribe/")).toBe(true);
    expect(mailto).toMatch(/^<mailto:hub@genmig\.invalid\?subject=unsubscribe%20[\w.-]+>$/);
    const token = https.slice("<http://hub.test/unsubscribe/".length, -1);
    expect(readPreferenceToken(token)).toEqual({ kind: "subscriber", id: "ckabc123", version: 1 });
    const plain = sink.received.find((m) => m.to === "other@example.org")!;
    expect(headerOf(plain.raw, "List-Unsubscribe")).toBeUndefined();
  });

  it("refuses to queue a header name or value that could start another header", async () => {
    const bad: Record<string, string>[] = [{ "X-Ok": "a\r\nBcc: victim@example.org" }, { "Bad Name": "x" }, { "X-Nul": "a\u0000b" }];
    for (const headers of bad) {
      await expect(
        enqueueEmails(prisma(), [{ key: `bad:${JSON.stringify(headers)}`, to: "x@example.org", subject: "s", html: "h", text: "t", headers }]),
      ).rejects.toThrow(/header/);
    }
    expect(await prisma().outboxMessage.count({ where: { key: { startsWith: "bad:" } } })).toBe(0);
  });

  it("a tampered or re-versioned token is not read", () => {
    const token = listUnsubscribeHeaders({ kind: "user", userId: "ckuser1", preferenceTokenVersion: 2 })["List-Unsubscribe"].match(/unsubscribe\/([^>]+)>/)![1];
    expect(readPreferenceToken(token)).toEqual({ kind: "user", id: "ckuser1", version: 2 });
    expect(readPreferenceToken(token.replace("_2.", "_3."))).toBeNull();
    expect(readPreferenceToken(`${token.slice(0, -2)}xx`)).toBeNull();
    expect(readPreferenceToken("")).toBeNull();
  });

  it("answers suppression for one address or many, case-insensitively, keeping the first reason", async () => {
    expect(await suppress(prisma(), " Bounced@Example.org ", "HARD_BOUNCE", "550 no such user")).toBe(true);
    expect(await suppress(prisma(), "bounced@example.org", "MANUAL")).toBe(false);
    expect((await prisma().suppressionEntry.findUniqueOrThrow({ where: { addressHash: suppressionKey("bounced@example.org") } })).reason).toBe("HARD_BOUNCE");
    expect(await isSuppressed(prisma(), "BOUNCED@example.org")).toBe(true);
    expect(await isSuppressed(prisma(), "fine@example.org")).toBe(false);
    await suppress(prisma(), "complained@example.org", "COMPLAINT");
    const among = await suppressedAmong(prisma(), ["fine@example.org", "Complained@example.org", "bounced@example.org", "x@example.org"], 2);
    expect([...among].sort()).toEqual(["bounced@example.org", "complained@example.org"]);
    expect(normaliseAddress(" A@B.org ")).toBe("a@b.org");
  });
});
