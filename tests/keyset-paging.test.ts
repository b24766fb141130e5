import { describe, expect, it } from "vitest";
import { enqueueEmail } from "../emails/outbox.ts";
import { listAuditEntries } from "../app/services/audit.server.ts";
import { listOutboxMessages } from "../app/services/outbox-admin.server.ts";
import { database, prisma } from "../app/utils/db.server.ts";
import { makeUser } from "./factories.ts";
import { walkBackward, walkForward } from "./helpers/connection-walk.ts";

// The audit log and the outbox are the longest lists (hundreds of thousands, a million rows): they page by keyset
// on (createdAt, id) — the next page starts after the last row's key, read from the list's index — never by an
// offset or by counting rows. Equal times are common (a bulk insert), so the id breaks ties.

/** The Prisma arguments of every outbox/audit findMany run while fn runs. */
async function findManyArgs<T>(fn: () => Promise<T>) {
  const db = database();
  const base = db.prisma;
  const seen: Record<string, unknown>[] = [];
  db.prisma = base.$extends({
    query: {
      outboxMessage: { async findMany({ args, query }) { seen.push(args as Record<string, unknown>); return query(args); } },
      auditEntry: { async findMany({ args, query }) { seen.push(args as Record<string, unknown>); return query(args); } },
    },
  }) as unknown as typeof base;
  try {
    return { result: await fn(), seen };
  } finally {
    db.prisma = base;
  }
}

describe("keyset paging of long lists", () => {
  it("pages the outbox newest first with no duplicate and no gap, ties included, forward and backward", async () => {
    const admin = await makeUser({ role: "ADMIN" });
    for (let i = 0; i < 53; i++) await enqueueEmail(prisma(), { key: `page-${i}`, to: `reader${i % 4}@example.org`, subject: `S${i}`, html: "<p/>", text: "x" });
    // Five distinct times for 53 rows: most rows share their time with others.
    const rows = await prisma().outboxMessage.findMany({ select: { id: true } });
    for (const [i, r] of rows.entries()) await prisma().outboxMessage.update({ where: { id: r.id }, data: { createdAt: new Date(Date.UTC(2026, 0, 1 + (i % 5))) } });
    const expected = (await prisma().outboxMessage.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { id: true } })).map((r) => r.id);
    expect(expected).toHaveLength(53);

    const list = (page: object) => listOutboxMessages(admin, {}, page);
    for (const size of [1, 7, 10, 53, 60]) {
      const forward = await walkForward(list, size);
      expect(forward).toEqual(expected);
      expect(new Set(forward).size).toBe(53);
      expect(await walkBackward(list, size)).toEqual(expected);
    }

    // Filters page the same way (a whole address through its index; a status).
    const mine = (await prisma().outboxMessage.findMany({ where: { toAddress: "reader2@example.org" }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { id: true } })).map((r) => r.id);
    expect(await walkForward((page) => listOutboxMessages(admin, { to: "READER2@example.org" }, page), 4)).toEqual(mine);
    expect(await walkForward((page) => listOutboxMessages(admin, { to: "reader2@" }, page), 4)).toEqual(mine);
    expect(await walkForward((page) => listOutboxMessages(admin, { status: ["PENDING"] }, page), 6)).toEqual(expected);

    // The next page is asked for by key, not by offset or by the cursor row's position.
    const first = await list({ first: 10 });
    const { result: second, seen } = await findManyArgs(() => list({ first: 10, after: first.pageInfo.endCursor! }));
    expect(second.nodes.map((n) => n.id)).toEqual(expected.slice(10, 20));
    const query = seen.at(-1)!;
    expect(query.skip ?? 0).toBe(0);
    expect(query.cursor).toBeUndefined();
    expect(JSON.stringify(query.where)).toContain('"createdAt":{"lte"');

    // Rows arriving or leaving meanwhile neither repeat nor skip anything on the next page.
    await enqueueEmail(prisma(), { key: "page-late", to: "late@example.org", subject: "late", html: "<p/>", text: "x" });
    await prisma().outboxMessage.delete({ where: { id: expected[3] } });
    const after = await list({ first: 10, after: first.pageInfo.endCursor! });
    expect(after.nodes.map((n) => n.id)).toEqual(expected.slice(10, 20));
    // A cursor whose row is gone gives an empty page rather than a wrong one.
    const gone = await list({ first: 10, after: first.edges[0].cursor });
    await prisma().outboxMessage.delete({ where: { id: expected[0] } });
    expect(gone.nodes.length).toBeGreaterThan(0);
    expect((await list({ first: 10, after: first.edges[0].cursor })).nodes).toEqual([]);
  });

  it("pages the audit log newest first by key, filtered or not", async () => {
    const admin = await makeUser({ role: "ADMIN" });
    const at = new Date(Date.UTC(2026, 5, 1));
    await prisma().auditEntry.createMany({
      data: Array.from({ length: 37 }, (_, i) => ({ action: i % 2 ? "webinar.updated" : "partner.approved", targetType: "Webinar", targetId: `t${i % 3}`, createdAt: new Date(at.getTime() + (i % 4) * 1000) })),
    });
    const all = (await prisma().auditEntry.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { id: true } })).map((r) => r.id);
    const list = (page: object) => listAuditEntries(admin, {}, page);
    expect(await walkForward(list, 8)).toEqual(all);
    expect(await walkBackward(list, 8)).toEqual(all);
    const target = (await prisma().auditEntry.findMany({ where: { targetId: "t1" }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { id: true } })).map((r) => r.id);
    expect(await walkForward((page) => listAuditEntries(admin, { targetId: "t1" }, page), 5)).toEqual(target);
    const first = await list({ first: 8 });
    const { seen } = await findManyArgs(() => list({ first: 8, after: first.pageInfo.endCursor! }));
    expect(seen.at(-1)!.skip ?? 0).toBe(0);
    expect(seen.at(-1)!.cursor).toBeUndefined();
  });
});
