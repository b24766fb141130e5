import type { SendProgress } from "./sends.server.ts";

const KIND: Record<SendProgress["kind"], string> = { DIGEST_WEEKLY: "weekly digest", DIGEST_MONTHLY: "monthly digest", DISTRIBUTION: "distribution", DISTRIBUTION_UPDATE: "update notice" };

/** One line per send for the CLI: count / total / rate and the estimated finish. */
export function describeProgress(p: SendProgress) {
  const done = p.sent + p.failed;
  const head = `${p.id} ${KIND[p.kind]} (${p.status.toLowerCase()}): ${done} / ${p.enqueued} sent`;
  // Opens and clicks only for sends composed while tracking was on: totals, not people (ADR 0024).
  const plural = (n: number | null, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const tracked = p.opens === null ? "" : `; ${plural(p.opens, "open")}, ${plural(p.clicks, "click")} (totals, not people)`;
  const counts = `${p.sent} accepted, ${p.failed} failed, ${p.bounced} bounced${tracked}; ${p.total} readers considered`;
  if (p.status === "DONE") return `${head}; ${counts}; finished ${p.finishedAt?.toISOString() ?? "-"}`;
  const eta = p.estimatedFinish ? `estimated finish ${p.estimatedFinish.toISOString()}` : "estimated finish unknown until sending starts";
  return `${head} at ${p.ratePerSecond.toFixed(1)}/s; ${counts}; ${eta}`;
}
