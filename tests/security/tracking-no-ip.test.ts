import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { clickUrl } from "../../app/services/sends/tracking.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { Client } from "../helpers/app.ts";

// Open and click counting keeps totals per send; nothing it writes names the reader's address (docs/decisions/0044).
describe("mail tracking stores no IP address", () => {
  it("opens and clicks from IPv4 and IPv6 readers leave no address, nor its plain hash, in the limiter's table", async () => {
    const send = await prisma().bulkSend.create({ data: { kind: "DIGEST_WEEKLY", tracked: true } });
    const readers = ["203.0.113.77", "2001:db8:4242:17::9"];
    const link = new URL(clickUrl(send.id, "https://example.org/brief"));
    for (const ip of readers) {
      const reader = new Client(ip);
      expect((await reader.get(`/t/o/${send.id}.gif`)).status).toBe(200);
      expect((await reader.get(`${link.pathname}${link.search}`)).status).toBe(302);
    }
    expect(await prisma().bulkSend.findUniqueOrThrow({ where: { id: send.id }, select: { opens: true, clicks: true } })).toEqual({ opens: 2, clicks: 2 });

    const rows = await prisma().rateLimitCounter.findMany({ where: { bucket: { contains: send.id } } });
    // The limiter did record these hits (one row per kind and reader), so the search below looks at the right rows.
    expect(rows.length).toBe(4);
    const stored = JSON.stringify(rows).toLowerCase();
    const traces = [
      "203.0.113.77",
      "2001:db8:4242:17",
      ...["203.0.113.77", "2001:db8:4242:17::/64"].flatMap((ip) => [crypto.createHash("sha256").update(ip).digest("hex"), crypto.createHash("sha256").update(ip).digest("base64url")]),
    ];
    for (const trace of traces) expect(stored).not.toContain(trace.toLowerCase());
    // Nor anywhere in the whole table, under any send.
    const everywhere = await prisma().rateLimitCounter.count({ where: { OR: [{ bucket: { contains: "203.0.113.77" } }, { bucket: { contains: "2001:db8:4242:17" } }] } });
    expect(everywhere).toBe(0);
  });

  it("one reader is still limited per send, and two readers are told apart", async () => {
    const send = await prisma().bulkSend.create({ data: { kind: "DIGEST_WEEKLY", tracked: true } });
    const pumper = new Client("198.51.100.201");
    for (let i = 0; i < 53; i++) await pumper.get(`/t/o/${send.id}.gif`);
    await new Client("198.51.100.202").get(`/t/o/${send.id}.gif`);
    expect((await prisma().bulkSend.findUniqueOrThrow({ where: { id: send.id } })).opens).toBe(51);
  });
});
