import { registerJob } from "../../emails/jobs.ts";
import { queueDialogueDigests } from "./dialogues/notifications.server.ts";
import { runScheduledDigests } from "./sends/digests.server.ts";
import { purgeExpiredSignUps } from "./subscriptions/subscriptions.server.ts";
import { queueWebinarReminders } from "./webinar-followup.server.ts";

/** The mail jobs every worker runs (server with RUN_WORKER, `npm run cli -- worker`), in its job loop (ADR 0029). */
export const MAIL_JOBS = ["webinar-reminders", "digests", "dialogue-digests", "subscription-purge"] as const;
export type MailJobName = (typeof MAIL_JOBS)[number];

export function registerMailJobs() {
  registerJob("webinar-reminders", (now, { signal }) => queueWebinarReminders(now, { signal }), { everyMs: 60_000 });
  registerJob("digests", (now) => runScheduledDigests(now), { everyMs: 60_000 });
  registerJob("dialogue-digests", (now) => queueDialogueDigests(now), { everyMs: 5 * 60_000 });
  registerJob("subscription-purge", (now) => purgeExpiredSignUps(now), { everyMs: 3600_000 });
}
