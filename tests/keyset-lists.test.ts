import { describe, expect, it } from "vitest";
import { listPartners, listPendingPartners } from "../app/services/partners.server.ts";
import { listSupportRequests } from "../app/services/requests/requests.server.ts";
import { listRegistrations } from "../app/services/webinar-registrations.server.ts";
import { listWebinars } from "../app/services/webinars.server.ts";
import { database, prisma } from "../app/utils/db.server.ts";
import { actorOf, makePartner, makeUser } from "./factories.ts";
import { Client } from "./helpers/app.ts";
import { signInAs } from "./helpers/sign-in.ts";
import { walkBackward, walkForward, type Page } from "./helpers/connection-walk.ts";

// Every list pages by keyset on (its sort key, id), not by Prisma's cursor (an offset from a row): the next page is
// a range of the list's index after the last row's key, so a deep page costs what the first does. Ties on the sort
// key are common (bulk inserts, equal names), so the id breaks them, in the list's own direction.

/** The arguments of every findMany run while fn runs, whatever the model. */
async function findManyArgs<T>(fn: () => Promise<T>) {
  const db = database();
  const base = db.prisma;
  const seen: Record<string, unknown>[] = [];
  db.prisma = base.$extends({
    query: { $allModels: { async findMany({ args, query }) { seen.push(args as Record<string, unknown>); return query(args); } } },
  }) as unknown as typeof base;
  try {
    return { result: await fn(), seen };
  } finally {
    db.prisma = base;
  }
}

/** Walks the list both ways at several sizes, and checks that a later page is asked for by key. */
async function expectKeysetPaged(list: (page: object) => Promise<Page>, expected: string[], key: string) {
  expect(expected.length).toBeGreaterThan(8);
  for (const size of [2, 5, expected.length + 1]) {
    expect(await walkForward(list, size), `forward by ${size}`).toEqual(expected);
    expect(await walkBackward(list, size), `backward by ${size}`).toEqual(expected);
  }
  const first = await list({ first: 3 });
  const { result, seen } = await findManyArgs(() => list({ first: 3, after: first.pageInfo.endCursor! }));
  expect(result.nodes.map((n) => n.id)).toEqual(expected.slice(3, 6));
  const paged = seen.find((args) => JSON.stringify(args.where ?? {}).includes(`"${key}":{"`));
  expect(paged, "a findMany bounded by the cursor row's key").toBeDefined();
  expect(paged!.cursor).toBeUndefined();
  expect(paged!.skip ?? 0).toBe(0);
}

const at = (day: number) => new Date(Date.UTC(2031, 0, day));

describe("keyset paging of every list", () => {
  const staffActor = async () => actorOf((await makeUser({ role: "STAFF" })).id);

  it("pages institutions by name, whole or by status", async () => {
    const staff = await staffActor();
    const db = prisma();
    // Names that repeat, in two statuses.
    await db.partner.createMany({
      data: Array.from({ length: 14 }, (_, i) => ({
        name: `Keyset Institute ${i % 4}`, sector: "RESEARCH" as const, country: "KE", status: i % 3 ? ("APPROVED" as const) : ("PENDING" as const),
        focalPointName: "F", focalPointEmail: `keyset-${i}@example.org`, language: "EN" as const, publicListing: true, consentAt: new Date(),
      })),
    });
    const partnersOf = async (where: object) => (await db.partner.findMany({ where: { name: { startsWith: "Keyset Institute" }, ...where }, orderBy: [{ name: "asc" }, { id: "asc" }], select: { id: true } })).map((r) => r.id);
    await expectKeysetPaged((page) => listPartners(staff, { search: "Keyset Institute" }, page), await partnersOf({}), "name");
    await expectKeysetPaged((page) => listPartners(staff, { search: "Keyset Institute", status: ["APPROVED"] }, page), await partnersOf({ status: "APPROVED" }), "name");
  });

  it("pages webinars by start, soonest first (upcoming) and latest first (past)", async () => {
    const staff = await staffActor();
    const db = prisma();
    await db.webinar.createMany({
      data: Array.from({ length: 12 }, (_, i) => ({ uid: `keyset-${i}@hub.test`, startsAt: at(1 + (i % 3)), endsAt: at(4), timeZone: "UTC", meetingUrl: "https://meet.example.org/k" })),
    });
    const webinars = async (dir: "asc" | "desc", endsAt: object) => (await db.webinar.findMany({ where: { endsAt }, orderBy: [{ startsAt: dir }, { id: dir }], select: { id: true } })).map((r) => r.id);
    await expectKeysetPaged((page) => listWebinars(staff, { when: "upcoming", now: at(3) }, page), await webinars("asc", { gte: at(3) }), "startsAt");
    await expectKeysetPaged((page) => listWebinars(staff, { when: "past", now: at(5) }, page), await webinars("desc", { lt: at(5) }), "startsAt");
  });

  it("pages a webinar's registrations in arrival order", async () => {
    const staff = await staffActor();
    const db = prisma();
    const webinarId = (await db.webinar.create({ data: { uid: "arrivals@hub.test", startsAt: at(1), endsAt: at(2), timeZone: "UTC", meetingUrl: "https://meet.example.org/a" } })).id;
    await db.webinarRegistration.createMany({
      data: Array.from({ length: 13 }, (_, i) => ({ webinarId, email: `arrival-${i}@example.org`, name: `Arrival ${i}`, status: i % 4 ? ("CONFIRMED" as const) : ("WAITLISTED" as const), createdAt: at(1 + (i % 3)) })),
    });
    const registrations = (await db.webinarRegistration.findMany({ where: { webinarId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { id: true } })).map((r) => r.id);
    await expectKeysetPaged((page) => listRegistrations(staff, webinarId, {}, page), registrations, "createdAt");
  });

  it("pages support requests newest first, equal times by id ascending", async () => {
    const staff = await staffActor();
    const db = prisma();
    const partnerId = (await makePartner()).id;
    await db.supportRequest.createMany({
      data: Array.from({ length: 11 }, (_, i) => ({ type: "FIELD_CONNECTION" as const, partnerId, language: "EN" as const, topic: `K${i}`, region: "AFRICA", needs: "n", createdAt: at(1 + (i % 3)) })),
    });
    const requests = (await db.supportRequest.findMany({ orderBy: [{ createdAt: "desc" }, { id: "asc" }], select: { id: true } })).map((r) => r.id);
    await expectKeysetPaged((page) => listSupportRequests(staff, {}, page), requests, "createdAt");
  });

  it("pages the institutions waiting for a decision on /admin, oldest first, with a link to the next page", async () => {
    const staffUser = await makeUser({ role: "STAFF" });
    const staff = await actorOf(staffUser.id);
    const db = prisma();
    await db.partner.updateMany({ where: { status: "PENDING" }, data: { status: "REJECTED" } });
    await db.partner.createMany({
      data: Array.from({ length: 31 }, (_, i) => ({
        name: `Waiting Institute ${String(i).padStart(2, "0")}`, sector: "NGO" as const, country: "CO", status: "PENDING" as const,
        focalPointName: "F", focalPointEmail: `waiting-${i}@example.org`, language: "EN" as const, publicListing: true, consentAt: new Date(), createdAt: at(1 + Math.floor(i / 2)),
      })),
    });
    const expected = (await db.partner.findMany({ where: { status: "PENDING" }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { name: true } })).map((p) => p.name);
    expect(await walkForward((page) => listPendingPartners(staff, page), 6).then((ids) => ids.length)).toBe(31);

    const browser = await signInAs(new Client(), staffUser.email);
    const seen: string[] = [];
    let path = "/admin";
    let pages = 0;
    for (;;) {
      const response = await browser.get(path);
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toMatch(/Waiting for a decision: (<!-- -->)?31/);
      seen.push(...[...html.matchAll(/<strong>(Waiting Institute \d+)<\/strong>/g)].map((m) => m[1]));
      pages += 1;
      const next = html.match(/<a[^>]*rel="next"[^>]*>/)?.[0].match(/href="([^"]+)"/);
      if (!next) break;
      path = next[1].replace(/&amp;/g, "&");
      expect(path).toMatch(/^\/admin\?after=/);
    }
    expect(pages).toBe(2);
    expect(seen).toEqual(expected);
  });
});
