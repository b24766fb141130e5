import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { composeDigest, resumeDigests, sendDigestNow, startDigest } from "../../app/services/sends/digests.server.ts";
import { sendsProgress } from "../../app/services/sends/sends.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { deliverDue } from "../../emails/worker.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { makePublication } from "./publication-fixtures.ts";

// `digest:send` composing a run while a worker resumes the same run (its job finishes every run still
// COMPOSING): the send is DONE only when everything it queued has an outcome, and no reader is left out.
const postgres = !!process.env.TEST_DATABASE_URL;
const READERS = 12;

describe("a digest run composed by the CLI and a worker at once", () => {
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  beforeAll(async () => {
    sink = await startSmtpSink({ parse: false });
  });
  afterAll(() => sink.stop());

  beforeEach(async () => {
    await prisma().outboxMessage.deleteMany();
    await prisma().bulkSend.deleteMany();
    await prisma().subscriber.deleteMany();
    await prisma().subscriber.createMany({
      data: Array.from({ length: READERS }, (_, i) => ({
        email: `race${i}@example.org`,
        language: "EN" as const,
        topics: ["CARE_WORK"],
        frequency: "WEEKLY" as const,
        status: "CONFIRMED" as const,
        confirmedAt: new Date(Date.now() - 60_000),
        consentSource: "web",
        consentWordingVersion: "test",
      })),
    });
    await makePublication({ titles: { EN: `Care work ${Date.now()}` } });
  });

  const progress = async (id: string) => (await sendsProgress(prisma(), { ids: [id] }))[0];

  it.skipIf(!postgres)("the worker does not call the run composed (or DONE) while the CLI's chunk holds readers", async () => {
    const { send } = await startDigest("WEEKLY");
    // The CLI's lane is inside its chunk: it has picked every reader (row locks) and not committed yet.
    const cli = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await cli.connect();
    try {
      await cli.query("BEGIN");
      await cli.query(`SELECT id FROM "Subscriber" FOR UPDATE`);
      // The worker's job resumes the run meanwhile: SKIP LOCKED leaves it nobody to compose.
      await resumeDigests();
      const during = await progress(send.id);
      expect(during.status).toBe("COMPOSING");
      expect(during.finishedAt).toBeNull();
      await cli.query("ROLLBACK"); // the CLI's chunk fails (say, it was stopped): its readers must not be lost
    } finally {
      await cli.end();
    }
    // The next resume composes them.
    await resumeDigests();
    const composed = await progress(send.id);
    expect(composed).toMatchObject({ status: "SENDING", enqueued: READERS, total: READERS });
    await deliverDue();
    expect(await progress(send.id)).toMatchObject({ status: "DONE", sent: READERS });
  });

  it("composed at once by the CLI and the worker's resume: every reader queued once, DONE only after delivery", async () => {
    const { send } = await startDigest("WEEKLY");
    const observed: string[] = [];
    // Both compose the same run in small chunks; a delivery runs beside them.
    const [fromCli] = await Promise.all([
      composeDigest(send.id, { chunk: 2, lanes: 2 }),
      composeDigest(send.id, { chunk: 3, lanes: 2 }),
      (async () => {
        for (let i = 0; i < 5; i++) {
          await deliverDue();
          const p = await progress(send.id);
          observed.push(`${p.status}:${p.enqueued}:${p.sent}`);
        }
      })(),
    ]);
    expect(fromCli.id).toBe(send.id);
    await deliverDue();
    const done = await progress(send.id);
    expect(done).toMatchObject({ status: "DONE", enqueued: READERS, sent: READERS, failed: 0 });
    // DONE was never shown before every reader's digest was queued and sent.
    for (const o of observed) if (o.startsWith("DONE")) expect(o).toBe(`DONE:${READERS}:${READERS}`);
    const keys = await prisma().outboxMessage.findMany({ where: { sendId: send.id }, select: { toAddress: true } });
    expect(new Set(keys.map((k) => k.toAddress)).size).toBe(READERS);
  });

  it("sendDigestNow with a worker resuming it meanwhile reports the run as composed by whoever finished it", async () => {
    const [send] = await Promise.all([sendDigestNow("WEEKLY"), resumeDigests()]);
    await resumeDigests();
    await deliverDue();
    const p = await progress(send.id);
    expect(p).toMatchObject({ status: "DONE", enqueued: READERS, sent: READERS });
  });
});
