import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { execute, parse } from "graphql";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { schema } from "../graphql/schema.ts";
import { createApiToken } from "../app/services/api-tokens.server.ts";
import type { Actor, SignedInActor } from "../app/services/policy.server.ts";
import { registerForWebinar } from "../app/services/webinar-registrations.server.ts";
import { scheduleWebinar } from "../app/services/webinars.server.ts";
import { prisma } from "../app/utils/db.server.ts";
import { makePartner, makeUser } from "./factories.ts";
import { Client } from "./helpers/app.ts";

const HOUR = 3600_000;

// Every SQL statement the process sends, on either engine: PGlite in process, or pg's client for PostgreSQL.
let statements = 0;
for (const proto of [PGlite.prototype, pg.Client.prototype] as unknown as { query: (...a: unknown[]) => unknown }[]) {
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    statements += 1;
    return original.apply(this, args);
  };
}

/** Runs an operation in process and returns its data and the number of SQL statements it cost. */
async function measured(actor: Actor, source: string, variables?: Record<string, unknown>) {
  const before = statements;
  const result = await execute({ schema, document: parse(source), variableValues: variables, contextValue: { actor } });
  expect(result.errors).toBeUndefined();
  return { data: result.data as Record<string, { edges: unknown[] }>, statements: statements - before };
}

let staff: SignedInActor;
let admin: SignedInActor;
let staffToken: string;
let webinarId: string;

beforeAll(async () => {
  staff = await makeUser({ role: "STAFF" });
  admin = await makeUser({ role: "ADMIN" });
  staffToken = (await createApiToken(staff, { name: "lists" })).token;
  const db = prisma();
  // 60 institutions with one focal point each, made in bulk: these tests are about reading lists.
  const now = Date.now();
  await db.partner.createMany({
    data: Array.from({ length: 60 }, (_, i) => ({
      id: `bulk-partner-${String(i).padStart(2, "0")}`,
      name: `Bulk Institute ${String(i).padStart(2, "0")}`,
      sector: i % 3 === 0 ? ("NGO" as const) : ("RESEARCH" as const),
      country: i % 2 ? "PE" : "SN",
      focalPointName: "F",
      focalPointEmail: `bulk-fp-${i}@example.org`,
      consentAt: new Date(now),
      status: "APPROVED" as const,
      publicListing: true,
    })),
  });
  await db.user.createMany({ data: Array.from({ length: 60 }, (_, i) => ({ id: `bulk-user-${i}`, email: `bulk-fp-${i}@example.org`, name: `FP ${i}` })) });
  await db.membership.createMany({
    data: Array.from({ length: 60 }, (_, i) => ({ userId: `bulk-user-${i}`, partnerId: `bulk-partner-${String(i).padStart(2, "0")}`, role: "FOCAL_POINT" as const })),
  });
  // 60 webinars with two languages, two speakers and registrations, in one hour steps.
  for (let i = 0; i < 60; i++) {
    const start = new Date(now + (i + 24) * HOUR);
    const w = await db.webinar.create({
      data: {
        uid: `bulk-${i}@hub.test`,
        startsAt: start,
        endsAt: new Date(start.getTime() + HOUR),
        timeZone: "UTC",
        meetingUrl: "https://meet.example.org/b",
        capacity: 10,
        translations: { create: [{ language: "EN", title: `Bulk ${i}`, description: "" }, { language: "FR", title: `Lot ${i}`, description: "" }] },
        speakers: { create: [{ name: "A", gender: "woman", position: 0 }, { name: "B", gender: "man", position: 1, role: "MODERATOR" }] },
        registrations: { create: [{ email: `r${i}@example.org`, name: "R", status: "CONFIRMED" }, { email: `w${i}@example.org`, name: "W", status: "WAITLISTED" }] },
      },
    });
    if (i === 0) webinarId = w.id;
  }
  const later = Date.now() + 1000;
  await db.webinarRegistration.createMany({
    data: Array.from({ length: 60 }, (_, i) => ({ webinarId, email: `crowd-${i}@example.org`, name: `Crowd ${i}`, status: "CANCELLED" as const, createdAt: new Date(later + i) })),
  });
  await db.auditEntry.createMany({ data: Array.from({ length: 60 }, (_, i) => ({ actorId: staff.id, action: "bulk.touched", targetType: "Thing", targetId: `t${i}` })) });
  await db.outboxMessage.createMany({
    data: Array.from({ length: 60 }, (_, i) => ({ key: `bulk-${i}`, messageId: `<bulk-${i}@hub.test>`, toAddress: `o${i}@example.org`, subject: "S", html: "", text: "", status: i % 2 ? ("SENT" as const) : ("FAILED" as const) })),
  });
});

describe("lists are N+1-free: the same number of SQL statements for 5 and for 50 items", () => {
  const cases: [string, () => Actor, string][] = [
    [
      "partners with their members",
      () => staff,
      `query($n: Int) { partners(first: $n) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name sector country members { email role } } } } }`,
    ],
    [
      "webinars with texts, speakers and seat counts",
      () => staff,
      `query($n: Int) { webinars(first: $n, when: UPCOMING) { totalCount edges { node { id title(language: FR) translations { language title } speakers { name role gender } seatsLeft registeredCount waitlistCount pendingCount } } } }`,
    ],
    [
      "a webinar's registrations",
      () => staff,
      `query($n: Int) { webinar(id: "${"$"}{ID}") { registrations(first: $n) { totalCount edges { node { email status country language } } } } }`,
    ],
    [
      "webinars with a page of their registrations each",
      () => staff,
      `query($n: Int) { webinars(first: $n, when: UPCOMING) { edges { node { id registrations(first: 3, filter: { status: [CONFIRMED, WAITLISTED, CANCELLED] }) { totalCount pageInfo { hasNextPage } edges { node { email } } } } } } }`,
    ],
    ["audit entries", () => admin, `query($n: Int) { auditEntries(first: $n) { totalCount edges { node { action actor { email } targetId } } } }`],
    ["outbox messages", () => admin, `query($n: Int) { outboxMessages(first: $n, filter: { status: [SENT, FAILED] }) { totalCount edges { node { to status } } } }`],
  ];
  it.each(cases)("%s", async (_name, who, query) => {
    const source = query.replace("${ID}", webinarId);
    const five = await measured(who(), source, { n: 5 });
    const fifty = await measured(who(), source, { n: 50 });
    const list = (d: Record<string, unknown>) => (Object.values(d)[0] as { edges?: unknown[]; registrations?: { edges: unknown[] } });
    const edges = (d: Record<string, unknown>) => list(d).edges ?? list(d).registrations!.edges;
    expect(edges(five.data)).toHaveLength(5);
    expect(edges(fifty.data)).toHaveLength(50);
    expect(fifty.statements).toBe(five.statements);
    expect(five.statements).toBeGreaterThan(0);
    expect(five.statements).toBeLessThanOrEqual(6);
  });
});

describe("the README's example", () => {
  it("runs as documented and pages to the end", async () => {
    const readme = fs.readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const example = /## GraphQL[\s\S]*?```graphql\n([\s\S]*?)```/.exec(readme)![1];
    type W = { webinars: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { title: string } }[] } };
    let after: string | undefined;
    let seen = 0;
    let total = 0;
    do {
      const r = await new Client().graphql<W>(example, { after });
      expect(r.errors).toBeUndefined();
      seen += r.data!.webinars.edges.length;
      total = r.data!.webinars.totalCount;
      after = r.data!.webinars.pageInfo.hasNextPage ? r.data!.webinars.pageInfo.endCursor : undefined;
    } while (after);
    expect(total).toBeGreaterThanOrEqual(60);
    expect(seen).toBe(total);
  });
});

describe("nested connections", () => {
  it("gives each webinar of a list its own page of registrations, with its own total", async () => {
    type R = { webinars: { edges: { node: { id: string; registrations: { totalCount: number; pageInfo: { hasNextPage: boolean }; edges: { node: { email: string } }[] } } }[] } };
    const { data } = await measured(
      staff,
      `{ webinars(first: 3, when: UPCOMING) { edges { node { id registrations(first: 3) { totalCount pageInfo { hasNextPage } edges { node { email } } } } } } }`,
    );
    const [first, second] = (data as unknown as R).webinars.edges.map((e) => e.node);
    expect(first.id).toBe(webinarId);
    expect(first.registrations.totalCount).toBe(62);
    expect(first.registrations.pageInfo.hasNextPage).toBe(true);
    expect(first.registrations.edges.map((e) => e.node.email)).toEqual(["r0@example.org", "w0@example.org", "crowd-0@example.org"]);
    expect(second.registrations).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: false } });
    expect(second.registrations.edges.map((e) => e.node.email)).toEqual(["r1@example.org", "w1@example.org"]);
    const searched = await measured(staff, `{ webinars(first: 3, when: UPCOMING) { edges { node { registrations(last: 2, filter: { search: "CROWD-5" }) { totalCount edges { node { email } } } } } } }`);
    const firstSearched = (searched.data as unknown as R).webinars.edges[0].node.registrations;
    expect(firstSearched.totalCount).toBe(11);
    expect(firstSearched.edges.map((e) => e.node.email)).toEqual(["crowd-58@example.org", "crowd-59@example.org"]);
  });
});

describe("Relay connections over HTTP", () => {
  const PAGE = `query($first: Int, $after: String, $last: Int, $before: String, $filter: PartnerFilter) {
    partners(first: $first, after: $after, last: $last, before: $before, filter: $filter) {
      totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { name } }
    } }`;
  type P = { partners: { totalCount: number; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string; endCursor: string }; edges: { cursor: string; node: { name: string } }[] } };

  it("walks every institution once, in name order, forwards and back, with a total", async () => {
    const client = new Client();
    const filter = { search: "Bulk Institute" };
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    for (;;) {
      const r = await client.graphql<P>(PAGE, { first: 25, after, filter });
      expect(r.errors).toBeUndefined();
      const page = r.data!.partners;
      expect(page.totalCount).toBe(60);
      expect(page.pageInfo.hasPreviousPage).toBe(after !== undefined);
      seen.push(...page.edges.map((e) => e.node.name));
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)!.cursor);
      pages += 1;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => `Bulk Institute ${String(i).padStart(2, "0")}`));

    const second = (await client.graphql<P>(PAGE, { first: 10, after: (await client.graphql<P>(PAGE, { first: 10, filter })).data!.partners.pageInfo.endCursor, filter })).data!.partners;
    expect(second.edges[0].node.name).toBe("Bulk Institute 10");
    const back = (await client.graphql<P>(PAGE, { last: 10, before: second.pageInfo.startCursor, filter })).data!.partners;
    expect(back.edges.map((e) => e.node.name)).toEqual(seen.slice(0, 10));
    expect(back.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
  });

  it("filters with enums and answers typed errors for page sizes, cursors and plain strings where enums belong", async () => {
    const client = new Client();
    const ngoPeru = await client.graphql<P>(PAGE, { first: 100, filter: { search: "Bulk", sector: ["NGO"], country: "PE" } });
    expect(ngoPeru.data!.partners.totalCount).toBe(10);
    expect(ngoPeru.data!.partners.edges.every((e) => Number(e.node.name.slice(-2)) % 6 === 3)).toBe(true);

    const tooMany = await client.graphql(PAGE, { first: 101 });
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: { first: "page_too_large" } });
    expect(tooMany.errors?.[0]?.message).toBe("Ask for at most 100 items per page.");
    const badCursor = await client.graphql(PAGE, { first: 5, after: "not-a-cursor" });
    expect(badCursor.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: { after: "invalid_cursor" } });
    const bothWays = await client.graphql(PAGE, { first: 5, last: 5 });
    expect(bothWays.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const lowerCase = await client.graphql(PAGE, { first: 5, filter: { sector: ["ngo"] } });
    expect(lowerCase.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(lowerCase.status).toBe(400);
    const oldWhen = await client.graphql(`query($w: WebinarWhen) { webinars(when: $w) { totalCount } }`, { w: "upcoming" });
    expect(oldWhen.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const defaults = await client.graphql<P>(PAGE, { filter: { search: "Bulk" } });
    expect(defaults.data!.partners.edges).toHaveLength(20);
  });

  it("registers an institution with enum inputs and answers in the same enums", async () => {
    const r = await new Client().graphql<{ registerPartner: { sector: string; language: string; country: string } }>(
      `mutation { registerPartner(input: { name: "Instituto Andino", sector: NGO, country: PE, focalPointName: "Rosa", focalPointEmail: "rosa@example.org", language: ES, consent: true }) { sector language country } }`,
    );
    expect(r.data?.registerPartner).toEqual({ sector: "NGO", language: "ES", country: "PE" });
    const saved = await prisma().partner.findFirstOrThrow({ where: { name: "Instituto Andino" } });
    expect(saved.language).toBe("ES");
  });
});

describe("webinar counts and enum inputs", () => {
  it("seats left, registered, waiting and pending counts; pending for the research team only", async () => {
    const start = new Date(Date.now() + 5 * 24 * HOUR);
    const w = await scheduleWebinar(staff, {
      translations: [{ language: "en", title: "Small room" }],
      startsAt: start,
      endsAt: new Date(start.getTime() + HOUR),
      timeZone: "UTC",
      meetingUrl: "https://meet.example.org/s",
      capacity: 2,
    });
    for (let i = 0; i < 3; i++) await registerForWebinar(await makeUser(), w.id, {});
    const q = `query($id: ID!) { webinar(id: $id) { seatsLeft registeredCount waitlistCount pendingCount } }`;
    const anon = await new Client().graphql<{ webinar: Record<string, number | null> }>(q, { id: w.id });
    expect(anon.data?.webinar).toEqual({ seatsLeft: 0, registeredCount: 2, waitlistCount: 1, pendingCount: null });
    const team = await new Client().graphql<{ webinar: Record<string, number | null> }>(q, { id: w.id }, staffToken);
    expect(team.data?.webinar.pendingCount).toBe(0);
    const page = await new Client().get(`/webinars`);
    expect(await page.text()).toContain("9 seats left");
  });

  it("schedules with Language and SpeakerGender enums and reads them back the same way", async () => {
    const start = new Date(Date.now() + 6 * 24 * HOUR);
    const r = await new Client().graphql<{ scheduleWebinar: { id: string; title: string; speakers: { gender: string | null; genderDescription: string | null }[] } }>(
      `mutation($input: ScheduleWebinarInput!) { scheduleWebinar(input: $input) { id title(language: FR) speakers { gender genderDescription } } }`,
      {
        input: {
          translations: [{ language: "FR", title: "Frontières et soins" }],
          startsAt: start.toISOString(),
          endsAt: new Date(start.getTime() + HOUR).toISOString(),
          timeZone: "Africa/Dakar",
          meetingUrl: "https://meet.example.org/g",
          speakers: [
            { name: "A", gender: "WOMAN" },
            { name: "B", gender: "SELF_DESCRIBED", genderDescription: "two-spirit" },
            { name: "C", gender: "PREFER_NOT_TO_SAY" },
            { name: "D" },
          ],
        },
      },
      staffToken,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data?.scheduleWebinar.title).toBe("Frontières et soins");
    expect(r.data?.scheduleWebinar.speakers).toEqual([
      { gender: "WOMAN", genderDescription: null },
      { gender: "SELF_DESCRIBED", genderDescription: "two-spirit" },
      { gender: "PREFER_NOT_TO_SAY", genderDescription: null },
      { gender: null, genderDescription: null },
    ]);
    const publicView = await new Client().graphql<{ webinar: { speakers: { gender: string | null }[] } }>(
      `query($id: ID!) { webinar(id: $id) { speakers { gender } } }`,
      { id: r.data!.scheduleWebinar.id },
    );
    expect(publicView.data?.webinar.speakers.every((s) => s.gender === null)).toBe(true);
    const free = await new Client().graphql(`mutation { scheduleWebinar(input: { translations: [{ language: EN, title: "x" }], startsAt: "2031-01-01T10:00:00Z", endsAt: "2031-01-01T11:00:00Z", timeZone: "UTC", meetingUrl: "https://m.example.org", speakers: [{ name: "X", gender: "woman" }] }) { id } }`, {}, staffToken);
    expect(free.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("anonymous callers see public partners only, in pages", async () => {
    const hidden = await makePartner({ name: "Bulk Institute zz hidden", publicListing: false });
    const r = await new Client().graphql<{ partners: { totalCount: number; edges: { node: { id: string } }[] } }>(
      `{ partners(first: 100, filter: { search: "Bulk Institute" }) { totalCount edges { node { id } } } }`,
    );
    expect(r.data?.partners.totalCount).toBe(60);
    expect(r.data?.partners.edges.map((e) => e.node.id)).not.toContain(hidden.id);
  });
});
