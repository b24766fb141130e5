import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApiToken } from "../../app/services/api-tokens.server.ts";
import { suppress } from "../../app/services/subscriptions/suppression.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { deliverDue } from "../../emails/worker.ts";
import { focalPointOf, makePartner, makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { signInAs } from "../helpers/sign-in.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { makePublication } from "./publication-fixtures.ts";

// Targeted distribution through GraphQL over HTTP, delivered over real SMTP: who receives what, in which
// language, with which headers; what the send row keeps; who may ask; what bad input answers.
function rawHeader(raw: string, name: string) {
  const head = raw.slice(0, raw.search(/\r?\n\r?\n/)).replace(/\r?\n[ \t]+/g, " ");
  return new RegExp(`^${name}: (.*?)\\r?$`, "mi").exec(head)?.[1] ?? "";
}

const DISTRIBUTE = `mutation($id: ID!, $s: DistributionSegmentInput!) { distributePublication(id: $id, segment: $s) { id kind total enqueued sent status } }`;
type SendOut = { id: string; kind: string; total: number; enqueued: number; sent: number; status: string };

let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let staff: Client;
let staffEmail: string;
let partnerClient: Client;
let partnerToken: string;
const people = { ngoFr: "", ngoEs: "", gov: "", suppressed: "", subscriber: "" };

/** French typography puts a narrow no-break space before ":"; compare with plain spaces. */
const flat = (s?: string) => (s ?? "").replace(/\s/g, " ");
const mailTo = (to: string) => sink.received.filter((m) => m.to === to);
async function deliver() {
  while ((await deliverDue()).sent > 0);
}

beforeAll(async () => {
  sink = await startSmtpSink();
  const staffUser = await makeUser({ role: "STAFF" });
  staffEmail = staffUser.email;
  staff = await signInAs(new Client("203.0.113.21"), staffEmail);
  const ngoFr = await focalPointOf(await makePartner({ sector: "NGO", language: "fr" }));
  const ngoEs = await focalPointOf(await makePartner({ sector: "NGO", language: "es", country: "AR" }));
  const gov = await focalPointOf(await makePartner({ sector: "GOVERNMENT", language: "en" }));
  const bounced = await focalPointOf(await makePartner({ sector: "NGO", language: "en" }));
  await makePartner({ sector: "NGO", status: "PENDING", focalPointEmail: "pending-ngo@example.org" });
  await suppress(prisma(), bounced.email, "HARD_BOUNCE");
  Object.assign(people, { ngoFr: ngoFr.email, ngoEs: ngoEs.email, gov: gov.email, suppressed: bounced.email, subscriber: "plain-reader@example.org" });
  await prisma().subscriber.create({
    data: { email: people.subscriber, language: "EN", topics: ["CARE_WORK"], frequency: "WEEKLY", status: "CONFIRMED", confirmedAt: new Date(), consentSource: "web", consentWordingVersion: "test" },
  });
  partnerClient = await signInAs(new Client("203.0.113.22"), gov.email);
  const admin = await makeUser({ role: "ADMIN" });
  partnerToken = (await createApiToken(admin, { name: "partner token" }, gov)).token;
  await deliver();
});
afterAll(() => sink.stop());
beforeEach(() => {
  sink.received.length = 0;
});

describe("distributing a publication", () => {
  it("a sector segment reaches only approved partners' people of that sector, each in their language (else English), never a suppressed address", async () => {
    const p = await makePublication({ titles: { EN: "Care corridors", FR: "Corridors du soin" } });
    const r = await staff.graphql<{ distributePublication: SendOut }>(DISTRIBUTE, { id: p.id, s: { sectors: ["NGO"] } });
    expect(r.errors).toBeUndefined();
    expect(r.data!.distributePublication).toMatchObject({ kind: "DISTRIBUTION", total: 2, enqueued: 2 });
    await deliver();
    expect(sink.received.map((m) => m.to).sort()).toEqual([people.ngoEs, people.ngoFr].sort());
    const [fr] = mailTo(people.ngoFr);
    expect(flat(fr.parsed.subject)).toBe("Nouveau sur GenMig Hub : Corridors du soin");
    expect(fr.parsed.text).toContain("Corridors du soin");
    expect(fr.parsed.text).not.toContain("Care corridors");
    // No Spanish version: English, said so in Spanish.
    const [es] = mailTo(people.ngoEs);
    expect(es.parsed.subject).toBe("Novedad en GenMig Hub: Care corridors");
    expect(es.parsed.text).toContain("(en inglés)");
    for (const m of [fr, es]) {
      expect(rawHeader(m.raw, "List-Unsubscribe")).toMatch(/^<http:\/\/hub\.test\/unsubscribe\/[^>]+>, <mailto:[^>]+>$/);
      expect(rawHeader(m.raw, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
    }
    // Aggregate counts only: the send row names nobody.
    const sends = await staff.graphql<{ sends: SendOut[] }>(`{ sends { id total enqueued sent status } }`);
    expect(sends.data!.sends.find((s) => s.id === r.data!.distributePublication.id)).toMatchObject({ total: 2, enqueued: 2, sent: 2, status: "DONE" });
    const row = await prisma().bulkSend.findUniqueOrThrow({ where: { id: r.data!.distributePublication.id } });
    const stored = JSON.stringify(row);
    for (const email of Object.values(people)) expect(stored).not.toContain(email);
    expect(row.segment).toMatchObject({ sectors: ["NGO"] });
  });

  it("a partners-only brief sent with includeSubscribers never reaches a plain subscriber; a public one does", async () => {
    const closed = await makePublication({ titles: { EN: "For partners: care data" }, audience: "PARTNERS" });
    const r = await staff.graphql<{ distributePublication: SendOut }>(DISTRIBUTE, { id: closed.id, s: { includeSubscribers: true } });
    expect(r.errors).toBeUndefined();
    await deliver();
    expect(mailTo(people.subscriber)).toEqual([]);
    expect(mailTo(people.gov)).toHaveLength(1);
    expect(mailTo(people.ngoFr)).toHaveLength(1);
    expect(mailTo(people.suppressed)).toEqual([]);
    expect(mailTo("pending-ngo@example.org")).toEqual([]);
    expect(sink.received.every((m) => !m.parsed.text?.includes("For partners") || m.to !== people.subscriber)).toBe(true);

    sink.received.length = 0;
    const open = await makePublication({ titles: { EN: "Open: care data" } });
    await staff.graphql(DISTRIBUTE, { id: open.id, s: { includeSubscribers: true, languages: ["EN"] } });
    await deliver();
    expect(mailTo(people.subscriber)).toHaveLength(1);
    expect(mailTo(people.gov)).toHaveLength(1);
    expect(mailTo(people.ngoFr)).toEqual([]);
  });

  it("a test send reaches only the staff member, with [TEST] in the subject", async () => {
    const p = await makePublication({ titles: { EN: "Test me", FR: "Testez-moi" } });
    const r = await staff.graphql(`mutation($id: ID!) { sendDistributionTest(id: $id, language: FR) { enqueued } }`, { id: p.id });
    expect(r.errors).toBeUndefined();
    await deliver();
    expect(sink.received.map((m) => m.to)).toEqual([staffEmail]);
    expect(flat(sink.received[0].parsed.subject)).toBe("[TEST] Nouveau sur GenMig Hub : Testez-moi");
  });

  it("partners, anonymous callers and a partner's API token are refused; nothing is queued", async () => {
    const p = await makePublication({ titles: { EN: "Not for you to send" } });
    const before = await prisma().bulkSend.count();
    const code = (r: { errors?: { extensions?: { code?: string } }[] }) => r.errors?.[0]?.extensions?.code;
    expect(code(await partnerClient.graphql(DISTRIBUTE, { id: p.id, s: {} }))).toBe("FORBIDDEN");
    expect(code(await new Client("203.0.113.23").graphql(DISTRIBUTE, { id: p.id, s: {} }))).toBe("UNAUTHENTICATED");
    // API tokens are for the research team's scripts: a partner's token carries no rights at all.
    expect(code(await new Client("203.0.113.24").graphql(DISTRIBUTE, { id: p.id, s: {} }, partnerToken))).toBe("UNAUTHENTICATED");
    expect(code(await partnerClient.graphql(`mutation($id: ID!) { sendDistributionTest(id: $id, language: EN) { id } }`, { id: p.id }))).toBe("FORBIDDEN");
    expect(code(await partnerClient.graphql(`{ sends { id } }`))).toBe("FORBIDDEN");
    expect(await prisma().bulkSend.count()).toBe(before);
  });

  it("unknown sectors, topics, languages and dialogues, and an unreleased item, are BAD_USER_INPUT with field keys", async () => {
    const p = await makePublication({ titles: { EN: "Bad input" } });
    const before = await prisma().bulkSend.count();
    for (const s of [{ sectors: ["ASTROLOGY"] }, { topics: ["ASTROLOGY"] }, { languages: ["DE"] }]) {
      const r = await staff.graphql(DISTRIBUTE, { id: p.id, s });
      expect(r.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(r.errors?.[0]?.extensions?.fields).toEqual({ [Object.keys(s)[0]]: "invalid_choice" });
    }
    const inline = await staff.graphql(`mutation($id: ID!) { distributePublication(id: $id, segment: { topics: [ASTROLOGY] }) { id } }`, { id: p.id });
    expect(inline.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const dialogue = await staff.graphql(DISTRIBUTE, { id: p.id, s: { dialogueIds: ["cnosuchdialogue0000000000"] } });
    expect(dialogue.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: { dialogueIds: "unknown_dialogue" } });
    const draft = await prisma().publication.update({ where: { id: p.id }, data: { status: "DRAFT", publishedAt: null } });
    const unreleased = await staff.graphql(DISTRIBUTE, { id: draft.id, s: {} });
    expect(unreleased.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: { id: "publication_not_released" } });
    expect(unreleased.errors?.[0]?.message).toContain("not out yet");
    expect(await prisma().bulkSend.count()).toBe(before);
  });
});

describe("telling earlier recipients about an update", () => {
  const UPDATE = `mutation($id: ID!, $i: PublicationUpdateInput!) { updatePublication(id: $id, input: $i) { id audience } }`;

  it("sends nothing unless chosen; when chosen, once per person of the earlier segments who may still see it, in their language", async () => {
    const p = await makePublication({ titles: { EN: "Corridor brief", FR: "Note sur les corridors" } });
    await staff.graphql(DISTRIBUTE, { id: p.id, s: { sectors: ["NGO"] } });
    await staff.graphql(DISTRIBUTE, { id: p.id, s: { languages: ["EN", "FR"], includeSubscribers: true } });
    await staff.graphql(`mutation($id: ID!) { sendDistributionTest(id: $id, language: EN) { id } }`, { id: p.id });
    await deliver();
    expect(mailTo(people.ngoFr)).toHaveLength(2);
    sink.received.length = 0;

    const quiet = await staff.graphql(UPDATE, { id: p.id, i: { authors: "Revised team" } });
    expect(quiet.errors).toBeUndefined();
    const explicit = await staff.graphql(UPDATE, { id: p.id, i: { authors: "Revised again", notifyEarlierRecipients: false } });
    expect(explicit.errors).toBeUndefined();
    await deliver();
    expect(sink.received).toEqual([]);
    expect(await prisma().bulkSend.count({ where: { publicationId: p.id, kind: "DISTRIBUTION_UPDATE" } })).toBe(0);

    // Narrowed to partners in the same update: the subscriber of the earlier segment may no longer see it.
    const loud = await staff.graphql(UPDATE, { id: p.id, i: { audience: "PARTNERS", notifyEarlierRecipients: true } });
    expect(loud.errors).toBeUndefined();
    await deliver();
    const to = sink.received.map((m) => m.to);
    expect(new Set(to).size).toBe(to.length);
    expect(to).toEqual(expect.arrayContaining([people.ngoFr, people.ngoEs, people.gov]));
    expect(to).not.toContain(people.subscriber);
    expect(to).not.toContain(people.suppressed);
    expect(to).not.toContain(staffEmail);
    expect(flat(mailTo(people.ngoFr)[0].parsed.subject)).toBe("Mise à jour : Note sur les corridors");
    expect(mailTo(people.ngoEs)[0].parsed.subject).toBe("Actualizado: Corridor brief");
    expect(rawHeader(mailTo(people.gov)[0].raw, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
    const update = await prisma().bulkSend.findFirstOrThrow({ where: { publicationId: p.id, kind: "DISTRIBUTION_UPDATE" } });
    expect(update).toMatchObject({ enqueued: to.length, sent: to.length });

    const byPartner = await partnerClient.graphql(UPDATE, { id: p.id, i: { notifyEarlierRecipients: true } });
    expect(byPartner.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("a publication never distributed notifies nobody", async () => {
    const p = await makePublication({ titles: { EN: "Never sent" } });
    const r = await staff.graphql(UPDATE, { id: p.id, i: { authors: "X", notifyEarlierRecipients: true } });
    expect(r.errors).toBeUndefined();
    await deliver();
    expect(sink.received).toEqual([]);
  });
});
