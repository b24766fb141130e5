import { dkimVerify } from "mailauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { distributePublication } from "../app/services/sends/distribution.server.ts";
import { sendDigestNow } from "../app/services/sends/digests.server.ts";
import { prisma } from "../app/utils/db.server.ts";
import { env, resetEnv } from "../app/utils/env.server.ts";
import { generateDkimKey } from "../emails/dkim-keygen.ts";
import { buildCalendar } from "../emails/ics.ts";
import { enqueueEmails, type OutgoingEmail } from "../emails/outbox.ts";
import * as activityTemplates from "../emails/templates/dialogue-activity.tsx";
import * as sessionTemplates from "../emails/templates/dialogue-sessions.tsx";
import * as dialogueTemplates from "../emails/templates/dialogues.tsx";
import * as digestTemplates from "../emails/templates/digest.tsx";
import * as partnerTemplates from "../emails/templates/partners.tsx";
import * as requestTemplates from "../emails/templates/requests.tsx";
import * as subscriptionTemplates from "../emails/templates/subscriptions.tsx";
import * as webinarTemplates from "../emails/templates/webinars.tsx";
import { webinarMessages } from "../emails/webinar-messages.ts";
import { deliverDue } from "../emails/worker.ts";
import { makePartner, makeUser } from "./factories.ts";
import { startSmtpSink, type ReceivedMail } from "./helpers/smtp-sink.ts";
import { makePublication } from "./sends/publication-fixtures.ts";

// Every kind of mail the hub sends, delivered over real SMTP with DKIM configured, verified by an independent
// verifier (mailauth) whose DNS answers with the test key's TXT record, as a receiving provider would check it.

const key = generateDkimKey({ selector: "hub2026", domain: "genmig.invalid" });
const resolver = async (name: string, type: string) => {
  if (type === "TXT" && name === "hub2026._domainkey.genmig.invalid") return [[key.txtValue]];
  throw Object.assign(new Error(`no ${type} record for ${name}`), { code: "ENOTFOUND" });
};

type Priority = "TRANSACTIONAL" | "BULK";
const start = new Date(Date.now() + 7 * 86_400_000);
const end = new Date(start.getTime() + 90 * 60_000);
const url = "http://hub.test/x";
const ics = (method: "REQUEST" | "CANCEL") =>
  buildCalendar({
    method,
    organizer: { name: "GenMig Hub", email: "hub@genmig.invalid" },
    events: [{ uid: "w1@hub.test", sequence: method === "CANCEL" ? 1 : 0, cancelled: method === "CANCEL", startsAt: start, endsAt: end, title: "Care work", description: "d", url }],
    attendee: { email: "reader@example.org" },
  });

const webinarContext = { lang: "fr" as const, title: "Travail de soin", startsAt: start, endsAt: end, eventTimeZone: "Africa/Dakar", recipientTimeZone: "Europe/Paris", pageUrl: url, joinUrl: url, manageUrl: url };
const webinarKinds = Object.keys(webinarMessages.en)
  .filter((k) => k.endsWith("_subject"))
  .map((k) => k.slice(0, -"_subject".length)) as Parameters<typeof webinarTemplates.webinarEmail>[0][];
const webinarIcal: Record<string, "REQUEST" | "CANCEL"> = { confirmed: "REQUEST", promoted: "REQUEST", updated: "REQUEST", cancelled: "CANCEL", registration_cancelled: "CANCEL" };
const sessionContext = { lang: "es" as const, dialogueTitle: "Diálogo", title: "Sesión", startsAt: start, endsAt: end, timeZone: "America/Bogota", location: null, meetingUrl: url, agenda: "1. Hola", pageUrl: url, chathamHouse: true };
const thread = { title: "Hilo", url, posts: [{ author: null, body: "Una idea", createdAt: new Date() }], more: 0 };

/** One rendered mail per template and kind, with the priority and calendar part the use cases give it. */
const templated: { kind: string; template: string; priority: Priority; email: Omit<OutgoingEmail, "key" | "to"> }[] = [
  { kind: "sign-in", template: "signInLinkEmail", priority: "TRANSACTIONAL", email: partnerTemplates.signInLinkEmail("en", url) },
  { kind: "partner-received", template: "applicationReceivedEmail", priority: "TRANSACTIONAL", email: partnerTemplates.applicationReceivedEmail("fr", "Institut Ñ") },
  { kind: "partner-duplicate", template: "duplicateApplicationEmail", priority: "TRANSACTIONAL", email: partnerTemplates.duplicateApplicationEmail("es") },
  { kind: "partner-approved", template: "partnerApprovedEmail", priority: "TRANSACTIONAL", email: partnerTemplates.partnerApprovedEmail("en", "Institute", url) },
  { kind: "partner-rejected", template: "partnerRejectedEmail", priority: "TRANSACTIONAL", email: partnerTemplates.partnerRejectedEmail("fr", "Institut", "Hors champ") },
  { kind: "member-invited", template: "memberInvitedEmail", priority: "TRANSACTIONAL", email: partnerTemplates.memberInvitedEmail("es", "Instituto", "Ana", url, 14) },
  { kind: "subscription-confirm", template: "subscriptionConfirmEmail", priority: "TRANSACTIONAL", email: subscriptionTemplates.subscriptionConfirmEmail("en", url, 7) },
  { kind: "subscription-already", template: "alreadySubscribedEmail", priority: "TRANSACTIONAL", email: subscriptionTemplates.alreadySubscribedEmail("fr", url) },
  ...webinarKinds.map((k) => ({
    kind: `webinar-${k}`,
    template: "webinarEmail",
    priority: "TRANSACTIONAL" as const,
    email: { ...webinarTemplates.webinarEmail(k, webinarContext, { note: "Note", message: "Bonjour https://hub.test/slides", confirmUrl: url }), ...(webinarIcal[k] ? { ical: { method: webinarIcal[k], content: ics(webinarIcal[k]) } } : {}) },
  })),
  {
    kind: "dialogue-invited",
    template: "dialogueInvitedEmail",
    priority: "TRANSACTIONAL",
    email: dialogueTemplates.dialogueInvitedEmail("en", { title: "Dialogue", inviter: "Ana", role: "MEMBER", acceptUrl: url, days: 14, chathamHouse: true }),
  },
  { kind: "dialogue-post", template: "dialoguePostEmail", priority: "BULK", email: activityTemplates.dialoguePostEmail("es", { title: "Diálogo", chathamHouse: true, dialogueUrl: url, thread }) },
  {
    kind: "dialogue-digest",
    template: "dialogueDigestEmail",
    priority: "BULK",
    email: activityTemplates.dialogueDigestEmail("fr", { title: "Dialogue", chathamHouse: false, dialogueUrl: url, frequency: "DAILY", threads: [thread] }),
  },
  ...(["invite", "cancelled", "removed", "outcome"] as const).map((k) => ({
    kind: `dialogue-session-${k}`,
    template: "dialogueSessionEmail",
    priority: (k === "outcome" ? "BULK" : "TRANSACTIONAL") as Priority,
    email: {
      ...sessionTemplates.dialogueSessionEmail(k, { ...sessionContext, ...(k === "outcome" ? { outcome: { html: "<p>Acuerdo</p>", body: "Acuerdo", documents: 1 } } : {}) }),
      ...(k === "outcome" ? {} : { ical: { method: k === "invite" ? ("REQUEST" as const) : ("CANCEL" as const), content: ics(k === "invite" ? "REQUEST" : "CANCEL") } }),
    },
  })),
  { kind: "request-status", template: "requestStatusEmail", priority: "TRANSACTIONAL", email: requestTemplates.requestStatusEmail("es", { title: "Evento", status: "DECLINED", reason: "Sin fondos", url }) },
  { kind: "request-message", template: "requestMessageEmail", priority: "TRANSACTIONAL", email: requestTemplates.requestMessageEmail("fr", { title: "Évènement", body: "Bonjour", url }) },
];

/** Digests and distributions are composed by their use cases: shared bodies sent as raw MIME (the bulk path). */
const composed = [
  { kind: "digest", template: "digestEmail" },
  { kind: "distribution", template: "distributionEmail" },
];

/** Every exported `…Email` function of the templates: a new one without a row above fails the first test. */
const templateFunctions = [activityTemplates, sessionTemplates, dialogueTemplates, digestTemplates, partnerTemplates, requestTemplates, subscriptionTemplates, webinarTemplates].flatMap(
  (m) => Object.entries(m).flatMap(([name, value]) => (typeof value === "function" && /Email$/.test(name) ? [name] : [])),
);

const headerOf = (raw: string, name: string) => {
  const head = raw.slice(0, raw.search(/\r?\n\r?\n/)).replace(/\r?\n[ \t]+/g, " ");
  return new RegExp(`^${name}:[ \\t]*(.*?)\\r?$`, "im").exec(head)?.[1];
};
const signedHeaders = (raw: string) => (/\bh=([^;]+);/.exec(headerOf(raw, "DKIM-Signature") ?? "")?.[1] ?? "").replace(/\s+/g, "").toLowerCase().split(":");

describe("DKIM on every kind of mail", () => {
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  const kindOf = new Map<string, string>();
  let received: ReceivedMail[] = [];

  beforeAll(async () => {
    Object.assign(process.env, { DKIM_DOMAIN: "genmig.invalid", DKIM_SELECTOR: "hub2026", DKIM_PRIVATE_KEY: key.privateKeyPem.replace(/\n/g, "\\n") });
    sink = await startSmtpSink();
    for (const [i, t] of templated.entries()) {
      const mail = { key: `${t.kind}:${i}`, to: `reader-${i}@example.org`, ...t.email };
      await enqueueEmails(prisma(), [mail], { priority: t.priority });
    }
    await prisma().subscriber.create({
      data: { email: "subscriber@example.org", language: "FR", topics: ["CARE_WORK"], frequency: "WEEKLY", status: "CONFIRMED", confirmedAt: new Date(Date.now() - 60_000), consentSource: "web", consentWordingVersion: "test" },
    });
    await makePartner({ focalPointEmail: "focal@example.org", language: "es" });
    const publication = await makePublication({ titles: { EN: "Care work across borders", FR: "Le travail de soin", ES: "Trabajo de cuidados" } });
    await sendDigestNow("WEEKLY");
    await distributePublication(await makeUser({ role: "STAFF" }), publication.id, { sectors: ["RESEARCH"] });
    // the setup's own mail (the partner's application and approval) is checked too
    for (const m of await prisma().outboxMessage.findMany({ select: { key: true, messageId: true } })) kindOf.set(m.messageId, m.key.split(":")[0]);
    const expected = await prisma().outboxMessage.count();
    await deliverDue();
    received = await sink.waitFor(expected);
  });

  afterAll(async () => {
    await sink.stop();
    for (const name of ["DKIM_DOMAIN", "DKIM_SELECTOR", "DKIM_PRIVATE_KEY"]) delete process.env[name];
    resetEnv();
  });

  it("covers every template and every webinar kind, with the bulk path among them", () => {
    expect(new Set([...templated, ...composed].map((t) => t.template))).toEqual(new Set(templateFunctions));
    expect(webinarKinds.length).toBeGreaterThanOrEqual(17);
    const kinds = new Set(received.map((m) => kindOf.get(m.messageId!)));
    expect([...templated, ...composed].map((t) => t.kind).filter((kind) => !kinds.has(kind))).toEqual([]);
    // the shared-body raw MIME path really was taken: those rows have no content of their own
    expect(received.filter((m) => ["digest", "distribution"].includes(kindOf.get(m.messageId!)!)).length).toBeGreaterThanOrEqual(2);
  });

  it("signs each message so that an independent verifier passes it, covering the identifying headers", async () => {
    const failures: string[] = [];
    for (const mail of received) {
      const kind = kindOf.get(mail.messageId!);
      const { results } = await dkimVerify(mail.raw, { resolver });
      const result = results[0];
      if (results.length !== 1 || result.status.result !== "pass" || result.signingDomain !== "genmig.invalid") {
        failures.push(`${kind}: ${results.map((r) => `${r.status.result} ${r.status.comment ?? ""}`).join(", ") || "no signature"}`);
        continue;
      }
      const h = signedHeaders(mail.raw);
      for (const name of ["from", "subject", "date", "message-id", "to", "mime-version", "content-type"]) if (!h.includes(name)) failures.push(`${kind}: h= lacks ${name}`);
      if (headerOf(mail.raw, "List-Unsubscribe") && !(h.includes("list-unsubscribe") && h.includes("list-unsubscribe-post"))) failures.push(`${kind}: List-Unsubscribe not signed`);
    }
    expect(failures).toEqual([]);
    expect(received.length).toBeGreaterThanOrEqual(templated.length + composed.length);
  });

  it("has List-Unsubscribe and List-Unsubscribe-Post in the signed headers of digests and distributions", () => {
    for (const kind of ["digest", "distribution"]) {
      const mail = received.find((m) => kindOf.get(m.messageId!) === kind)!;
      expect(headerOf(mail.raw, "List-Unsubscribe-Post"), kind).toBe("List-Unsubscribe=One-Click");
      expect(signedHeaders(mail.raw), kind).toEqual(expect.arrayContaining(["list-unsubscribe", "list-unsubscribe-post"]));
    }
  });

  it("a message changed after signing, or signed with another key, fails verification", async () => {
    const mail = received.find((m) => kindOf.get(m.messageId!) === "digest")!;
    const tampered = mail.raw.replace(/^Subject: .*$/m, "Subject: Win a prize");
    expect((await dkimVerify(tampered, { resolver })).results[0].status.result).toBe("fail");
    const other = generateDkimKey({ selector: "hub2026", domain: "genmig.invalid" });
    const wrongKey = async () => [[other.txtValue]];
    expect((await dkimVerify(mail.raw, { resolver: wrongKey })).results[0].status.result).toBe("fail");
  });

  it("marks all mail auto-generated, and bulk mail as bulk with a Feedback-ID naming the send, not the reader", () => {
    for (const mail of received) {
      const kind = kindOf.get(mail.messageId!)!;
      const bulk = [...templated.filter((t) => t.priority === "BULK").map((t) => t.kind), "digest", "distribution"].includes(kind);
      expect(headerOf(mail.raw, "Auto-Submitted"), kind).toBe("auto-generated");
      expect(headerOf(mail.raw, "Precedence"), kind).toBe(bulk ? "bulk" : undefined);
      const feedback = headerOf(mail.raw, "Feedback-ID");
      if (!bulk) expect(feedback, kind).toBeUndefined();
      else {
        expect(feedback, kind).toMatch(new RegExp(`^[\\w.-]+:${kind}:genmighub$`));
        expect(feedback).not.toContain(mail.to.split("@")[0]);
      }
    }
    const digests = received.filter((m) => kindOf.get(m.messageId!) === "digest");
    expect(new Set(digests.map((m) => headerOf(m.raw, "Feedback-ID"))).size).toBe(1);
  });

  it("says APP_URL's host in EHLO", () => {
    expect(new URL(env().APP_URL).hostname).toBe("hub.test");
    expect(new Set(received.map((m) => m.ehlo))).toEqual(new Set(["hub.test"]));
  });
});
