import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prisma } from "../../app/utils/db.server.ts";
import { deliverDue } from "../../emails/worker.ts";
import { focalPointOf, makePartner, makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { signInAs } from "../helpers/sign-in.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { makePublication } from "../sends/publication-fixtures.ts";

// A distribution goes out once per request: replaying the page's Send (or an API call with the same key) sends
// nothing more; sending to the same people again is its own, labelled and audited choice (docs/decisions/0044).
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let staff: Client;
let reader = "";
const proofIn = (html: string) => /name="proof" value="([^"]+)"/.exec(html)?.[1] ?? "";
const previousIn = (html: string) => /name="previous" value="([^"]+)"/.exec(html)?.[1] ?? "";
async function deliver() {
  while ((await deliverDue()).sent > 0);
}
const mailsTo = (to: string) => sink.received.filter((m) => m.to === to);

beforeAll(async () => {
  sink = await startSmtpSink();
  staff = await signInAs(new Client("203.0.113.91"), (await makeUser({ role: "STAFF" })).email);
  reader = (await focalPointOf(await makePartner({ sector: "IGO" }))).email;
  await deliver();
});
afterAll(() => sink.stop());
beforeEach(() => {
  sink.received.length = 0;
});

describe("distribution replays", () => {
  it("a replayed Send (one after another, or several at once) creates no second send and no second mail", async () => {
    const p = await makePublication({ titles: { EN: "Replayed brief" }, audience: "PARTNERS" });
    const url = `/publications/${p.id}/distribute`;
    const segment = { sectors: "IGO", previewLang: "en" };
    const html = await (await staff.post(url, { ...segment, intent: "preview" })).text();
    const send = { ...segment, intent: "send", proof: proofIn(html) };
    expect((await staff.post(url, send)).status).toBe(302);
    const replays = await Promise.all([staff.post(url, send), staff.post(url, send), staff.post(url, send)]);
    expect(replays.map((r) => r.status)).toEqual([302, 302, 302]);
    expect(await prisma().bulkSend.count({ where: { publicationId: p.id } })).toBe(1);
    await deliver();
    expect(mailsTo(reader)).toHaveLength(1);
  });

  it("sending the same segment again needs the labelled choice, is audited, and is itself not replayable", async () => {
    const p = await makePublication({ titles: { EN: "Sent twice on purpose" }, audience: "PARTNERS" });
    const url = `/publications/${p.id}/distribute`;
    const segment = { sectors: "IGO", previewLang: "en" };
    const first = await (await staff.post(url, { ...segment, intent: "preview" })).text();
    expect((await staff.post(url, { ...segment, intent: "send", proof: proofIn(first) })).status).toBe(302);

    // A fresh preview says it went out already and offers the choice, clearly labelled.
    const preview = await (await staff.post(url, { ...segment, intent: "preview" })).text();
    expect(preview).toContain("Already sent to this segment");
    expect(preview).toContain('name="again"');
    expect(preview).toContain("Send again to the same people");
    const plain = await staff.post(url, { ...segment, intent: "send", proof: proofIn(preview), previous: previousIn(preview) });
    expect(plain.status).toBe(409);
    expect(await plain.text()).toContain("already sent to this segment");
    expect(await prisma().bulkSend.count({ where: { publicationId: p.id } })).toBe(1);

    const again = { ...segment, intent: "send", proof: proofIn(preview), previous: previousIn(preview), again: "on" };
    expect((await staff.post(url, again)).status).toBe(302);
    expect((await staff.post(url, again)).status).toBe(302);
    expect(await prisma().bulkSend.count({ where: { publicationId: p.id } })).toBe(2);
    const audit = await prisma().auditEntry.findMany({ where: { action: "distribution.sentAgain", targetId: p.id } });
    expect(audit).toHaveLength(1);
    await deliver();
    expect(mailsTo(reader)).toHaveLength(2);
  });

  it("over GraphQL: the same idempotency key answers the same send; the same segment again is CONFLICT unless sendAgain", async () => {
    const p = await makePublication({ titles: { EN: "Sent over the API" }, audience: "PARTNERS" });
    const run = (extra: string, vars: Record<string, unknown> = {}) =>
      staff.graphql<{ distributePublication: { id: string } }>(
        `mutation($id: ID!) { distributePublication(id: $id, segment: { sectors: [IGO] }${extra}) { id } }`,
        { id: p.id, ...vars },
      );
    const a = await run(', idempotencyKey: "run-1"');
    const b = await run(', idempotencyKey: "run-1"');
    expect(a.errors).toBeUndefined();
    expect(b.data?.distributePublication.id).toBe(a.data?.distributePublication.id);
    const repeat = await run("");
    expect(repeat.errors?.[0]?.extensions?.code).toBe("CONFLICT");
    const explicit = await run(", sendAgain: true");
    expect(explicit.errors).toBeUndefined();
    expect(explicit.data?.distributePublication.id).not.toBe(a.data?.distributePublication.id);
    expect(await prisma().bulkSend.count({ where: { publicationId: p.id } })).toBe(2);
    expect(await prisma().auditEntry.count({ where: { action: "distribution.sentAgain", targetId: p.id } })).toBe(1);
  });
});
