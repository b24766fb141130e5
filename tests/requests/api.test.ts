import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SignedInActor } from "../../app/services/policy.server.ts";
import { supportRequestCounts } from "../../app/services/requests/counts.server.ts";
import { updateSupportRequest } from "../../app/services/requests/requests.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { deliverDue } from "../../emails/worker.ts";
import { addMember, focalPointOf, makePartner, makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { countQueries } from "../helpers/query-count.ts";
import { signInAs } from "../helpers/sign-in.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { makeEventRequest, makeFieldRequest } from "./factories.ts";

let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let staff: SignedInActor;
let requester: SignedInActor; // focal point of Institute A, asks in French
let colleague: SignedInActor; // member of Institute A
let outsider: SignedInActor; // focal point of Institute B
let clients: { staff: Client; requester: Client; colleague: Client; outsider: Client; anonymous: Client };
const NOTE = "Internal: their last event had poor turnout, check budget first";

beforeAll(async () => {
  sink = await startSmtpSink();
  staff = await makeUser({ role: "STAFF", name: "Sam Staff" });
  const a = await makePartner({ name: "Institut Sahel Migrations", country: "SN", decidedBy: staff });
  const b = await makePartner({ name: "Other Institute", country: "MX", decidedBy: staff });
  requester = await focalPointOf(a);
  colleague = await addMember(a.id, requester);
  outsider = await focalPointOf(b);
  clients = {
    staff: await signInAs(new Client(), staff.email),
    requester: await signInAs(new Client(), requester.email),
    colleague: await signInAs(new Client(), colleague.email),
    outsider: await signInAs(new Client(), outsider.email),
    anonymous: new Client(),
  };
});
afterAll(() => sink.stop());

const FULL = `query($id: ID!) { supportRequest(id: $id) {
  id type status statusReason label language region title purpose startsOn endsOn audience languages supportKinds
  topic country needs webinarId institution { name } requester { name } requesterEmail assignee { name }
  history { fromStatus toStatus reason } messages { body } notes { body } } }`;
const EVENT = `mutation($input: EventSupportInput!) { requestEventSupport(input: $input) { id status region language languages supportKinds title } }`;
const FIELD = `mutation($input: FieldConnectionInput!) { requestFieldConnection(input: $input) { id region country topic } }`;
const UPDATE = `mutation($id: ID!, $input: SupportRequestUpdateInput!) { updateSupportRequest(id: $id, input: $input) { id status statusReason assignee { name } } }`;
const eventInput = (over: Record<string, unknown> = {}) => ({
  title: "Webinar on care work and migration",
  purpose: "Launch our joint study.",
  startsOn: "2031-03-10",
  audienceDescription: "Researchers",
  languages: ["FR", "EN"],
  supportKinds: ["SPEAKERS", "HOSTING_WEBINAR"],
  language: "FR",
  ...over,
});

describe("asking over GraphQL", () => {
  it("creates an event-support request for the person's institution, in their language, counted in its region", async () => {
    const r = await clients.requester.graphql<{ requestEventSupport: { id: string; status: string; region: string; language: string; languages: string[] } }>(EVENT, { input: eventInput() });
    expect(r.errors).toBeUndefined();
    expect(r.data!.requestEventSupport).toMatchObject({ status: "NEW", region: "AFRICA", language: "FR", languages: ["FR", "EN"], supportKinds: ["SPEAKERS", "HOSTING_WEBINAR"] });
    const read = await clients.colleague.graphql<{ supportRequest: { institution: { name: string }; history: { toStatus: string }[]; notes: unknown } }>(FULL, { id: r.data!.requestEventSupport.id });
    expect(read.data!.supportRequest.institution.name).toBe("Institut Sahel Migrations");
    expect(read.data!.supportRequest.history.map((h) => h.toStatus)).toEqual(["NEW"]);
  });

  it("answers field-level BAD_USER_INPUT for bad input and saves nothing", async () => {
    const before = await prisma().supportRequest.count();
    const bad = await clients.requester.graphql(EVENT, { input: eventInput({ title: " ", purpose: "", languages: [], supportKinds: [] }) });
    expect(bad.errors?.[0].extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      fields: { title: "required", purpose: "required", languages: "languages_required", supportKinds: "support_kind_required" },
    });
    const dates = await clients.requester.graphql(EVENT, { input: eventInput({ endsOn: "2031-03-01" }) });
    expect(dates.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: { endsOn: "end_before_start" } });
    const mismatch = await clients.requester.graphql(FIELD, { input: { topic: "Data", country: "SN", region: "EUROPE", needs: "x" } });
    expect(mismatch.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: { region: "region_mismatch" } });
    const nowhere = await clients.requester.graphql(FIELD, { input: { topic: "Data", needs: "x" } });
    expect(nowhere.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: { region: "region_required" } });
    const unknownEnum = await clients.requester.graphql(FIELD, { input: { topic: "Data", region: "ATLANTIS", needs: "x" } });
    expect(unknownEnum.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(await prisma().supportRequest.count()).toBe(before);
  });

  it("takes a region from the country, or a whole region without one", async () => {
    const byCountry = await clients.requester.graphql<{ requestFieldConnection: { region: string; country: string } }>(FIELD, { input: { topic: "Labour corridors", country: "GT", needs: "Meet the Guatemala office." } });
    expect(byCountry.data!.requestFieldConnection).toMatchObject({ region: "AMERICAS", country: "GT" });
    const byRegion = await clients.requester.graphql<{ requestFieldConnection: { region: string; country: string | null } }>(FIELD, { input: { topic: "Climate mobility", region: "OCEANIA", needs: "Pacific islands offices." } });
    expect(byRegion.data!.requestFieldConnection).toMatchObject({ region: "OCEANIA", country: null });
  });

  it("limits how many requests one person can send", async () => {
    const p = await makePartner({ decidedBy: staff });
    const client = await signInAs(new Client(), p.focalPointEmail);
    const codes: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await client.graphql(FIELD, { input: { topic: `Topic ${i}`, country: "KE", needs: "Nairobi office." } });
      codes.push(r.errors?.[0].extensions?.code ?? "OK");
    }
    expect(codes).toEqual(["OK", "OK", "OK", "OK", "OK", "RATE_LIMITED", "RATE_LIMITED"]);
    expect(await prisma().supportRequest.count({ where: { partnerId: p.id } })).toBe(5);
  });

  it("refuses anonymous callers and people without an approved institution", async () => {
    expect((await clients.anonymous.graphql(EVENT, { input: eventInput() })).errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    const loner = await signInAs(new Client(), (await makeUser()).email);
    expect((await loner.graphql(EVENT, { input: eventInput() })).errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const pending = await makePartner({ status: "PENDING" });
    const waiting = await signInAs(new Client(), pending.focalPointEmail);
    expect((await waiting.graphql(EVENT, { input: eventInput() })).errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });
});

describe("another institution", () => {
  it("cannot read or change a request: NOT_FOUND exactly like a missing id", async () => {
    const mine = await makeEventRequest(requester, { title: "Closed-door consultation on visas" });
    const missing = "cmissingrequest0000000000";
    const seen = await clients.outsider.graphql(FULL, { id: mine.id });
    const none = await clients.outsider.graphql(FULL, { id: missing });
    expect(seen.errors?.[0].extensions?.code).toBe("NOT_FOUND");
    expect([seen.status, seen.errors?.[0].message]).toEqual([none.status, none.errors?.[0].message]);
    expect(JSON.stringify(seen)).not.toContain("visas");
    const list = await clients.outsider.graphql<{ supportRequests: { totalCount: number; edges: { node: { id: string } }[] } }>(
      "{ supportRequests(first: 100) { totalCount edges { node { id } } } }",
    );
    expect(list.data!.supportRequests.edges.map((e) => e.node.id)).not.toContain(mine.id);
    expect(list.data!.supportRequests.totalCount).toBe(0);
    const change = await clients.outsider.graphql(UPDATE, { id: mine.id, input: { status: "DECLINED", reason: "x" } });
    const changeMissing = await clients.outsider.graphql(UPDATE, { id: missing, input: { status: "DECLINED", reason: "x" } });
    expect(change.errors?.[0].extensions?.code).toBe("NOT_FOUND");
    expect(change.errors?.[0].message).toBe(changeMissing.errors?.[0].message);
    // The requester's own colleague may read it but not work it.
    expect((await clients.colleague.graphql(UPDATE, { id: mine.id, input: { status: "ACCEPTED" } })).errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect((await prisma().supportRequest.findUniqueOrThrow({ where: { id: mine.id } })).status).toBe("NEW");
  });
});

describe("staff work the queue", () => {
  it("moves, assigns, notes and writes; the requester gets mail in French and never sees the note", async () => {
    const r = await makeEventRequest(requester, { title: "Atelier sur les travailleuses domestiques", language: "fr" });
    await deliverDue();
    const before = sink.received.length;
    const first = await clients.staff.graphql<{ updateSupportRequest: { status: string; assignee: { name: string } } }>(UPDATE, {
      id: r.id,
      input: { status: "IN_REVIEW", assigneeId: staff.id, note: NOTE },
    });
    expect(first.data!.updateSupportRequest).toMatchObject({ status: "IN_REVIEW", assignee: { name: "Sam Staff" } });
    const second = await clients.staff.graphql(UPDATE, {
      id: r.id,
      input: { status: "ACCEPTED", reason: "Nous fournirons deux intervenantes.", message: "Pouvez-vous nous envoyer le programme provisoire ?" },
    });
    expect(second.errors).toBeUndefined();
    await deliverDue();
    const mails = (await sink.waitFor(before + 3)).slice(before).filter((m) => m.to === requester.email);
    const subjects = mails.map((m) => m.parsed.subject).sort();
    expect(subjects).toEqual(
      [
        "À propos de votre demande « Atelier sur les travailleuses domestiques »",
        "Votre demande « Atelier sur les travailleuses domestiques » : Acceptée",
        "Votre demande « Atelier sur les travailleuses domestiques » : En cours d'examen",
      ].sort(),
    );
    const accepted = mails.find((m) => m.parsed.subject?.endsWith("Acceptée"))!;
    expect(accepted.parsed.text).toContain("Nous fournirons deux intervenantes.");
    expect(accepted.parsed.text).toContain(`http://hub.test/requests/${r.id}`);
    expect(mails.find((m) => m.parsed.subject?.startsWith("À propos"))!.parsed.text).toContain("Pouvez-vous nous envoyer le programme provisoire ?");
    for (const m of mails) expect(m.raw).not.toContain("poor turnout");

    const asRequester = await clients.requester.graphql<{ supportRequest: Record<string, unknown> }>(FULL, { id: r.id });
    expect(asRequester.data!.supportRequest).toMatchObject({ status: "ACCEPTED", statusReason: "Nous fournirons deux intervenantes.", notes: null, assignee: null, requesterEmail: null });
    expect(asRequester.data!.supportRequest.messages).toEqual([{ body: "Pouvez-vous nous envoyer le programme provisoire ?" }]);
    expect(JSON.stringify(asRequester)).not.toContain("poor turnout");
    const asStaff = await clients.staff.graphql<{ supportRequest: { notes: { body: string }[]; history: { toStatus: string }[] } }>(FULL, { id: r.id });
    expect(asStaff.data!.supportRequest.notes).toEqual([{ body: NOTE }]);
    expect(asStaff.data!.supportRequest.history.map((h) => h.toStatus)).toEqual(["NEW", "IN_REVIEW", "ACCEPTED"]);
    // Notes are not reachable through the list either.
    const list = await clients.requester.graphql("{ supportRequests(first: 100) { edges { node { notes { body } } } } }");
    expect(JSON.stringify(list)).not.toContain("poor turnout");
  });

  it("writes to a Spanish-speaking requester in Spanish", async () => {
    const p = await makePartner({ country: "MX", decidedBy: staff });
    const es = await focalPointOf(p);
    const r = await makeFieldRequest(es, { topic: "Retorno desde Estados Unidos", country: "MX", language: "es" });
    await deliverDue();
    const before = sink.received.length;
    await updateSupportRequest(staff, r.id, { status: "DECLINED", reason: "No tenemos oficina en esa zona." });
    await deliverDue();
    const [mail] = (await sink.waitFor(before + 1)).slice(before);
    expect(mail.to).toBe(es.email);
    expect(mail.parsed.subject).toBe("Su solicitud «Retorno desde Estados Unidos»: Rechazada");
    expect(mail.parsed.text).toContain("No tenemos oficina en esa zona.");
    expect(mail.parsed.html).toContain('lang="es"');
  });

  it("refuses a decline without a reason, an impossible move and a non-staff assignee; a failed step changes nothing", async () => {
    const r = await makeFieldRequest(colleague, { topic: "Statelessness in the Sahel" });
    const noReason = await clients.staff.graphql(UPDATE, { id: r.id, input: { status: "DECLINED", note: "should not be kept" } });
    expect(noReason.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: { reason: "decline_reason_required" } });
    const partnerAssignee = await clients.staff.graphql(UPDATE, { id: r.id, input: { assigneeId: requester.id, message: "should not be sent" } });
    expect(partnerAssignee.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: { assigneeId: "invalid_assignee" } });
    await updateSupportRequest(staff, r.id, { status: "ACCEPTED" });
    await updateSupportRequest(staff, r.id, { status: "DONE" });
    const back = await clients.staff.graphql(UPDATE, { id: r.id, input: { status: "IN_REVIEW", message: "not sent either" } });
    expect(back.errors?.[0].extensions?.code).toBe("CONFLICT");
    expect(await prisma().staffNote.count({ where: { requestId: r.id } })).toBe(0);
    expect(await prisma().requestMessage.count({ where: { requestId: r.id } })).toBe(0);
    expect(await prisma().outboxMessage.count({ where: { text: { contains: "not sent" } } })).toBe(0);
    expect((await prisma().supportRequest.findUniqueOrThrow({ where: { id: r.id } })).status).toBe("DONE");
  });

  it("filters the queue by status, type, region and assignee", async () => {
    const p = await makePartner({ country: "FR", decidedBy: staff });
    const fp = await focalPointOf(p);
    const eu = await makeEventRequest(fp, { title: "Paris seminar" });
    const asia = await makeFieldRequest(fp, { topic: "Gulf labour migration", country: "QA" });
    await updateSupportRequest(staff, asia.id, { assigneeId: staff.id, status: "IN_REVIEW" });
    const q = (filter: Record<string, unknown>) =>
      clients.staff.graphql<{ supportRequests: { edges: { node: { id: string } }[] } }>(
        "query($f: SupportRequestFilter) { supportRequests(first: 100, filter: $f) { edges { node { id } } } }",
        { f: filter },
      );
    const ids = async (filter: Record<string, unknown>) => (await q(filter)).data!.supportRequests.edges.map((e) => e.node.id);
    expect(await ids({ region: ["EUROPE"] })).toEqual([eu.id]);
    expect(await ids({ region: ["ASIA"], type: ["FIELD_CONNECTION"] })).toEqual([asia.id]);
    expect(await ids({ assigneeId: staff.id, status: ["IN_REVIEW"] })).toContain(asia.id);
    expect(await ids({ assigneeId: staff.id })).not.toContain(eu.id);
    expect(await ids({ unassigned: true })).toContain(eu.id);
    expect(await ids({ unassigned: true })).not.toContain(asia.id);
  });
});

describe("lists and counts", () => {
  it("costs the same number of SQL statements for 5 and 50 requests, history, messages and notes included", async () => {
    const counts: number[] = [];
    for (const n of [5, 50]) {
      const p = await makePartner({ decidedBy: staff });
      const fp = await focalPointOf(p);
      for (let i = 0; i < n; i++) {
        // Created directly: the use case's rate limit is covered above.
        await prisma().supportRequest.create({
          data: {
            type: "FIELD_CONNECTION", partnerId: p.id, requesterId: fp.id, language: "EN", topic: `T${i}`, region: "AFRICA", needs: "n",
            history: { create: { toStatus: "NEW" } }, notes: { create: { body: "note" } }, messages: { create: { body: "msg" } },
          },
        });
      }
      const client = await signInAs(new Client(), staff.email);
      const query = `query($f: SupportRequestFilter) { supportRequests(first: 50, filter: $f) { totalCount edges { node { id label institution { name } assignee { name } history { toStatus } messages { body } notes { body } } } } }`;
      const { result, queries } = await countQueries(() => client.graphql<{ supportRequests: { totalCount: number } }>(query, { f: { region: ["AFRICA"], type: ["FIELD_CONNECTION"] } }));
      expect(result.errors).toBeUndefined();
      expect(result.data!.supportRequests.totalCount).toBeGreaterThanOrEqual(n);
      counts.push(queries);
    }
    expect(counts[1]).toBe(counts[0]);
  });

  it("counts requests of a period by status, type and region for the insights", async () => {
    const from = new Date("2030-01-01T00:00:00Z");
    const to = new Date("2030-02-01T00:00:00Z");
    const p = await makePartner({ decidedBy: staff });
    const rows = [
      { type: "EVENT_SUPPORT", status: "NEW", region: "AFRICA", at: "2030-01-05" },
      { type: "EVENT_SUPPORT", status: "ACCEPTED", region: "AFRICA", at: "2030-01-20" },
      { type: "FIELD_CONNECTION", status: "DECLINED", region: "ASIA", at: "2030-01-31T23:59:59Z" },
      { type: "FIELD_CONNECTION", status: "NEW", region: null, at: "2030-01-10" },
      { type: "FIELD_CONNECTION", status: "DONE", region: "EUROPE", at: "2030-02-01" }, // outside: `to` is exclusive
      { type: "EVENT_SUPPORT", status: "NEW", region: "AFRICA", at: "2029-12-31T23:59:59Z" }, // outside
    ] as const;
    for (const r of rows) {
      await prisma().supportRequest.create({
        data: { type: r.type, status: r.status, region: r.region, partnerId: p.id, language: "EN", topic: "t", createdAt: new Date(r.at) },
      });
    }
    const inside = rows.slice(0, 4);
    const counts = await supportRequestCounts(prisma(), { from, to });
    const tally = (key: (r: (typeof inside)[number]) => string) => inside.reduce<Record<string, number>>((acc, r) => ({ ...acc, [key(r)]: (acc[key(r)] ?? 0) + 1 }), {});
    expect(counts.total).toBe(inside.length);
    expect(counts.byStatus).toEqual({ NEW: 0, IN_REVIEW: 0, ACCEPTED: 0, DECLINED: 0, DONE: 0, ...tally((r) => r.status) });
    expect(counts.byType).toEqual({ EVENT_SUPPORT: 0, FIELD_CONNECTION: 0, ...tally((r) => r.type) });
    expect(counts.byRegion).toEqual({ AFRICA: 0, AMERICAS: 0, ASIA: 0, EUROPE: 0, OCEANIA: 0, NONE: 0, ...tally((r) => r.region ?? "NONE") });
  });
});
