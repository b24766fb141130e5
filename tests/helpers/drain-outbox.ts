import { expect } from "vitest";
import { prisma } from "../../app/utils/db.server.ts";
import { deliverDue } from "../../emails/worker.ts";
import type { ReceivedMail, startSmtpSink } from "./smtp-sink.ts";

/** Delivers everything due to the sink, checks nothing is left unsent, and returns the mail this pass brought. */
export async function drainOutbox(sink: Awaited<ReturnType<typeof startSmtpSink>>, workerId: string): Promise<ReceivedMail[]> {
  const before = sink.received.length;
  const result = await deliverDue({ workerId, batchSize: 50 });
  const received = (await sink.waitFor(before + result.sent)).slice(before);
  expect(await prisma().outboxMessage.count({ where: { status: { not: "SENT" } } })).toBe(0);
  return received;
}
