import { dkimVerify } from "mailauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDialogueDigests, setDialogueNotifications } from "../../app/services/dialogues/notifications.server.ts";
import { publishSessionOutcome, scheduleDialogueSession } from "../../app/services/dialogues/sessions.server.ts";
import { startThread } from "../../app/services/dialogues/threads.server.ts";
import { sendDigestNow } from "../../app/services/sends/digests.server.ts";
import { notifyEarlierRecipients } from "../../app/services/sends/distribution-update.server.ts";
import { distributePublication, sendDistributionTest } from "../../app/services/sends/distribution.server.ts";
import { readPreferenceToken } from "../../app/services/subscriptions/links.server.ts";
import { readDialogueStreamToken } from "../../app/services/subscriptions/streams.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { resetEnv } from "../../app/utils/env.server.ts";
import { generateDkimKey } from "../../emails/dkim-keygen.ts";
import { deliverDue } from "../../emails/worker.ts";
import { makePartner, makeUser } from "../factories.ts";
import { startSmtpSink, type ReceivedMail } from "../helpers/smtp-sink.ts";
import { joinDialogue, makeDialogue } from "../dialogues/factories.ts";
import { makePublication } from "../sends/publication-fixtures.ts";

// Every kind of bulk mail, made by its own use case and received over real SMTP with DKIM on: each names its
// stream in List-Id (RFC 2919), carries RFC 8058 one-click unsubscribe for that stream, and the signature an
// independent verifier checks covers all three headers. Transactional mail carries none of them.

const key = generateDkimKey({ selector: "streams", domain: "genmig.invalid" });
const resolver = async (name: string, type: string) => {
  if (type === "TXT" && name === "streams._domainkey.genmig.invalid") return [[key.txtValue]];
  throw Object.assign(new Error(`no ${type} record for ${name}`), { code: "ENOTFOUND" });
};

/** The bulk kinds (outbox key's first part) and the stream each belongs to. */
const BULK_KINDS = {
  digest: "publications",
  distribution: "publications",
  "distribution-update": "publications",
  "distribution-test": "publications",
  "dialogue-post": "dialogue",
  "dialogue-digest": "dialogue",
  "dialogue-session": "dialogue",
} as const;

const headerOf = (raw: string, name: string) => {
  const head = raw.slice(0, raw.search(/\r?\n\r?\n/)).replace(/\r?\n[ \t]+/g, " ");
  return new RegExp(`^${name}:[ \\t]*(.*?)\\r?$`, "im").exec(head)?.[1];
};
const signedHeaders = (raw: string) => (/\bh=([^;]+);/.exec(headerOf(raw, "DKIM-Signature") ?? "")?.[1] ?? "").replace(/\s+/g, "").toLowerCase().split(":");

describe("List-Id and one-click unsubscribe on every bulk kind", () => {
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let received: ReceivedMail[] = [];
  const rows = new Map<string, { key: string; priority: string }>();
  let dialogueId = "";
  const memberIds = new Map<string, string>();

  beforeAll(async () => {
    Object.assign(process.env, { DKIM_DOMAIN: "genmig.invalid", DKIM_SELECTOR: "streams", DKIM_PRIVATE_KEY: key.privateKeyPem.replace(/\n/g, "\\n") });
    sink = await startSmtpSink();
    const staff = await makeUser({ role: "STAFF", email: "staff@example.org" });
    await prisma().subscriber.create({
      data: { email: "subscriber@example.org", language: "ES", topics: ["CARE_WORK"], frequency: "WEEKLY", status: "CONFIRMED", confirmedAt: new Date(Date.now() - 60_000), consentSource: "web", consentWordingVersion: "test" },
    });
    await makePartner({ focalPointEmail: "focal@example.org", language: "fr", sector: "RESEARCH" });
    const publication = await makePublication({ titles: { EN: "Care work across borders", FR: "Le travail de soin" } });
    await sendDigestNow("WEEKLY");
    await distributePublication(staff, publication.id, { sectors: ["RESEARCH"] });
    await notifyEarlierRecipients(staff, publication.id);
    await sendDistributionTest(staff, publication.id, "fr");

    const d = await makeDialogue(staff, { title: "Care corridors" });
    dialogueId = d.id;
    const author = await joinDialogue(d.id, staff, "author@example.org");
    const eager = await joinDialogue(d.id, staff, "eager@example.org");
    await setDialogueNotifications(eager, d.id, "IMMEDIATE");
    await startThread(author, d.id, { title: "Quotas", body: "The quota doubles." });
    await runDialogueDigests("DAILY", { now: new Date(Date.now() + 86_400_000 + 120_000) });
    const past = new Date(Date.now() - 3 * 3600_000);
    const session = await scheduleDialogueSession(staff, d.id, { title: "Held", startsAt: past, endsAt: new Date(past.getTime() + 3600_000), timeZone: "UTC" });
    await publishSessionOutcome(staff, session.id, { body: "We agreed." });
    for (const m of await prisma().dialogueMember.findMany({ where: { dialogueId: d.id }, include: { user: true } })) memberIds.set(m.user.email, m.id);

    for (const m of await prisma().outboxMessage.findMany({ select: { key: true, messageId: true, priority: true } })) rows.set(m.messageId, m);
    const expected = rows.size;
    await deliverDue();
    received = await sink.waitFor(expected);
  }, 180_000); // every bulk kind through its own use case: slow on a loaded machine

  afterAll(async () => {
    await sink.stop();
    for (const name of ["DKIM_DOMAIN", "DKIM_SELECTOR", "DKIM_PRIVATE_KEY"]) delete process.env[name];
    resetEnv();
  });

  const kindOf = (m: ReceivedMail) => rows.get(m.messageId!)!.key.split(":")[0];
  const bulk = () => received.filter((m) => rows.get(m.messageId!)!.priority === "BULK");

  it("sends every bulk kind as BULK, and nothing else as bulk", () => {
    expect(new Set(bulk().map(kindOf))).toEqual(new Set(Object.keys(BULK_KINDS)));
    // an outcome note is the session mail that is bulk; its invites are calendar mail
    expect(bulk().filter((m) => kindOf(m) === "dialogue-session").every((m) => rows.get(m.messageId!)!.key.startsWith("dialogue-session:outcome:"))).toBe(true);
  });

  it("names the stream in List-Id and offers one-click unsubscribe from that stream, under a passing DKIM signature", async () => {
    const failures: string[] = [];
    for (const m of bulk()) {
      const kind = kindOf(m) as keyof typeof BULK_KINDS;
      const stream = BULK_KINDS[kind];
      const id = headerOf(m.raw, "List-Id");
      const wanted = stream === "publications" ? "GenMig Hub publications <publications.hub.test>" : `GenMig Hub dialogue <dialogue-${dialogueId}.hub.test>`;
      if (id !== wanted) failures.push(`${kind}: List-Id ${id}`);
      if (headerOf(m.raw, "List-Unsubscribe-Post") !== "List-Unsubscribe=One-Click") failures.push(`${kind}: no List-Unsubscribe-Post`);
      const [https, mailto] = (headerOf(m.raw, "List-Unsubscribe") ?? "").split(/,\s*/);
      const token = /^<http:\/\/hub\.test\/unsubscribe\/([\w.-]+)>$/.exec(https ?? "")?.[1];
      if (!token || mailto !== `<mailto:hub@genmig.invalid?subject=unsubscribe%20${token}>`) failures.push(`${kind}: List-Unsubscribe ${https} ${mailto}`);
      else if (stream === "dialogue" && readDialogueStreamToken(token) !== memberIds.get(m.to)) failures.push(`${kind}: token is not ${m.to}'s membership`);
      else if (stream === "publications" && !readPreferenceToken(token)) failures.push(`${kind}: token is not a publications key`);
      const { results } = await dkimVerify(m.raw, { resolver });
      if (results[0]?.status.result !== "pass") failures.push(`${kind}: DKIM ${results[0]?.status.result}`);
      const h = signedHeaders(m.raw);
      for (const name of ["list-id", "list-unsubscribe", "list-unsubscribe-post"]) if (!h.includes(name)) failures.push(`${kind}: h= lacks ${name}`);
    }
    expect(failures).toEqual([]);
    expect(bulk().length).toBeGreaterThanOrEqual(Object.keys(BULK_KINDS).length);
  });

  it("keeps List-Id and List-Unsubscribe off transactional mail", () => {
    const transactional = received.filter((m) => rows.get(m.messageId!)!.priority !== "BULK");
    expect(transactional.length).toBeGreaterThan(0);
    for (const m of transactional) {
      expect(headerOf(m.raw, "List-Id"), kindOf(m)).toBeUndefined();
      expect(headerOf(m.raw, "List-Unsubscribe"), kindOf(m)).toBeUndefined();
    }
  });
});
