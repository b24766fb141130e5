import { parseArgs } from "node:util";
import { backup, BackupError, restore } from "./app/backups/backup.server.ts";
import { createApiToken } from "./app/services/api-tokens.server.ts";
import { AppError } from "./app/services/errors.ts";
import { createUser, loadActor } from "./app/services/users.server.ts";
import { eraseAccountAs } from "./app/services/account-erasure.server.ts";
import { exportPersonAs } from "./app/services/account-export/export.server.ts";
import { applyStatisticsGrant } from "./app/services/insights/grants.server.ts";
import { ANONYMOUS } from "./app/services/policy.server.ts";
import { closeDatabase, DatabaseOwnerError, prisma } from "./app/utils/db.server.ts";
import { reachDatabase } from "./app/utils/db-owner.server.ts";
import { env, EnvError } from "./app/utils/env.server.ts";
import { migrate } from "./app/utils/migrate.server.ts";
import { runDialogueDigests } from "./app/services/dialogues/notifications.server.ts";
import { runDueJobs } from "./emails/jobs.ts";
import { registerMailJobs } from "./app/services/mail-jobs.server.ts";
import { runWorkerOnce, startWorker } from "./emails/worker.ts";
import { importSuppressionList } from "./app/services/subscriptions/suppression-import.server.ts";
import { purgeExpiredSignUps } from "./app/services/subscriptions/subscriptions.server.ts";
import fs from "node:fs";
import path from "node:path";
import { seed } from "./prisma/seed.ts";
import { sendDigestNow } from "./app/services/sends/digests.server.ts";
import { describeProgress } from "./app/services/sends/describe.ts";
import { sendsProgress } from "./app/services/sends/sends.server.ts";
import { applyMailTracking, trackingEnabled } from "./app/services/sends/tracking.server.ts";
import { addressOf } from "./app/utils/mail-sender-env.server.ts";
import { writePrivateFileOnce } from "./app/utils/private-files.server.ts";
import { defaultSelector, generateDkimKey } from "./emails/dkim-keygen.ts";

const USAGE = `Usage: npm run cli -- <command>
  migrate                                         apply pending database migrations
  seed                                            add demo institutions and people
  user:create --email E --name N --role admin|staff
  user:grant-statistics --email E [--revoke]      give (or take back) a staff account's statistics access
  user:erase --email E                            erase a person everywhere (docs/decisions/0040)
  user:export --email E [--out FILE]              everything held about a person, as JSON (stdout or FILE)
  token:create --email E [--name N]               print a new API token (last line)
  worker [--once]                                 deliver queued email (and run scheduled jobs)
  mail:last --email E                             print the newest email queued for E (e.g. a sign-in link)
  dialogues:digest --frequency daily|weekly       queue dialogue digests now for every member on that frequency
  suppression:import FILE                         add addresses (one a line, or CSV) to the marketing suppression list
  subscribers:purge                               delete unconfirmed sign-ups whose confirmation link expired
  digest:send --frequency weekly|monthly [--follow]  compose and queue a digest now, printing progress
  sends [--follow]                                progress of recent sends (count / total / rate, estimated finish)
  mail:tracking [on|off]                          show or set aggregate open/click counting in bulk mail (off by default)
  dkim:keygen [--selector S] [--domain D] [--out FILE]  new RSA 2048 DKIM key: prints the DNS record, and the
                                                  private key (or writes it to FILE, readable by you only)
  backup FILE                                     embedded database and data directory files into FILE (.tar.gz);
                                                  works while the server runs
  restore FILE                                    a backup into an empty data directory (no server running)`;

type Flags = {
  email?: string;
  name?: string;
  role?: string;
  once?: boolean;
  frequency?: string;
  revoke?: boolean;
  follow?: boolean;
  selector?: string;
  domain?: string;
  out?: string;
  args: string[];
};

/** Commands that need neither the database nor a valid configuration (one is how the configuration is made). */
const STANDALONE = new Set(["dkim:keygen"]);
/** Commands that need the configuration but must not open the database (restore creates it). */
const BEFORE_DATABASE = new Set(["restore"]);

const commands: Record<string, (flags: Flags) => Promise<void>> = {
  async backup(flags) {
    const [file] = flags.args;
    if (!file) throw new UsageError("backup needs a file name: npm run cli -- backup FILE");
    const done = await backup(file);
    console.log(`Wrote ${done.file}: the database (${(done.databaseBytes / 1e6).toFixed(1)} MB compressed, ${done.migrations} migrations) and ${done.files} file(s) of the data directory.`);
  },
  async restore(flags) {
    const [file] = flags.args;
    if (!file) throw new UsageError("restore needs a file name: npm run cli -- restore FILE");
    const done = await restore(file);
    console.log(`Restored the database and ${done.files} file(s) from the backup of ${done.createdAt} into ${env().DATA_DIR}. Start the server.`);
  },
  async migrate() {
    const { applied } = await migrate();
    console.log(applied.length ? `Applied: ${applied.join(", ")}` : "Database is up to date.");
  },
  async seed() {
    await migrate();
    await seed();
  },
  async "user:create"(flags) {
    if (!flags.role || !["admin", "staff"].includes(flags.role)) throw new UsageError("--role must be admin or staff");
    const user = await createUser({ email: flags.email ?? "", name: flags.name ?? "", role: flags.role.toUpperCase() });
    console.log(`User ${user.email} (${user.role.toLowerCase()}) saved.`);
  },
  async "user:grant-statistics"(flags) {
    const done = await applyStatisticsGrant(ANONYMOUS, flags.email ?? "", !flags.revoke);
    console.log(`${done.email}: statistics access ${done.statistics ? "granted" : "revoked"}.`);
  },
  async "user:erase"(flags) {
    const done = await eraseAccountAs(ANONYMOUS, flags.email ?? "");
    console.log(`Erased ${done.user ? "the account, " : ""}${done.registrations} registration(s), ${done.files} file(s), ${done.mailboxFiles} mailbox file(s) and every mention of ${flags.email}.`);
  },
  async "user:export"(flags) {
    if (!flags.email) throw new UsageError("--email is required");
    const json = JSON.stringify(await exportPersonAs(flags.email), null, 2) + "\n";
    // Waits for the pipe to take it all: the process exits right after the command.
    if (!flags.out) return void (await new Promise((done) => process.stdout.write(json, done)));
    // Personal data: readable by the operator's OS user only.
    fs.writeFileSync(flags.out, json, { mode: 0o600 });
    console.error(`Wrote ${flags.out}`);
  },
  async "token:create"(flags) {
    const user = flags.email ? await prisma().user.findUnique({ where: { email: flags.email.trim().toLowerCase() } }) : null;
    if (!user) throw new UsageError(`No user with email ${flags.email ?? "(missing --email)"}`);
    const actor = await loadActor(user.id);
    const created = await createApiToken(actor!, { name: flags.name ?? "CLI token" });
    console.error(`Token "${created.name}" for ${user.email}; it is shown only once:`);
    console.log(created.token);
  },
  // The operator's way to the demo sign-in links when no SMTP server is configured (the file mailbox is private).
  async "mail:last"(flags) {
    const to = flags.email?.trim().toLowerCase();
    if (!to) throw new UsageError("--email is required");
    const message = await prisma().outboxMessage.findFirst({ where: { toAddress: to }, orderBy: { createdAt: "desc" } });
    if (!message) throw new UsageError(`No email queued for ${to}`);
    console.log(`To: ${message.toAddress}\nSubject: ${message.subject}\nQueued: ${message.createdAt.toISOString()} (${message.status.toLowerCase()})\n\n${message.text}`);
  },
  // On demand: every member on that frequency gets what is new since their last digest (empty ones are skipped).
  async "dialogues:digest"(flags) {
    const frequency = flags.frequency?.toUpperCase();
    if (frequency !== "DAILY" && frequency !== "WEEKLY") throw new UsageError("--frequency must be daily or weekly");
    const run = await runDialogueDigests(frequency, { force: true });
    console.log(`Dialogue digests (${frequency.toLowerCase()}): ${run.sent} queued for ${run.members} members; empty ones skipped.`);
  },
  async "suppression:import"(flags) {
    const file = flags.args[0];
    if (!file || flags.args.length > 1) throw new UsageError("Usage: npm run cli -- suppression:import FILE");
    let content: string;
    try {
      content = fs.readFileSync(file, "utf8");
    } catch (error) {
      throw new UsageError(`Cannot read ${file}: ${(error as Error).message}`);
    }
    const c = await importSuppressionList(content, path.basename(file));
    console.log(`Read ${c.read} lines: ${c.added} added, ${c.alreadySuppressed} already suppressed, ${c.invalid} invalid.`);
    if (c.invalidLines.length) console.log(`Invalid lines: ${c.invalidLines.join(", ")}${c.invalid > c.invalidLines.length ? ", …" : ""}`);
  },
  async "subscribers:purge"() {
    const { deleted, reverted } = await purgeExpiredSignUps();
    console.log(`Expired sign-ups: ${deleted} deleted, ${reverted} returned to unsubscribed.`);
  },
  async "digest:send"(flags) {
    const frequency = flags.frequency?.toUpperCase();
    if (frequency !== "WEEKLY" && frequency !== "MONTHLY") throw new UsageError("--frequency must be weekly or monthly");
    const send = await sendDigestNow(frequency, {
      onProgress: (p) => console.log(`composed ${p.considered} / ${p.total} readers, ${p.queued} digests queued, ${p.ratePerSecond.toFixed(0)} readers/s`),
    });
    console.log(`Send ${send.id}: ${send.enqueued} digests queued for ${send.total} readers due; the worker delivers them.`);
    if (flags.follow) await followSends([send.id]);
  },
  async sends(flags) {
    const rows = await sendsProgress(prisma(), { take: 10 });
    if (!rows.length) console.log("No sends yet.");
    for (const p of rows) console.log(describeProgress(p));
    if (flags.follow) await followSends(rows.filter((p) => p.status !== "DONE").map((p) => p.id));
  },
  async "mail:tracking"(flags) {
    const [choice, ...extra] = flags.args;
    if (extra.length || (choice !== undefined && choice !== "on" && choice !== "off")) throw new UsageError("Usage: npm run cli -- mail:tracking [on|off]");
    if (choice === undefined) {
      console.log(`Mail tracking is ${(await trackingEnabled()) ? "on" : "off"}.`);
      return;
    }
    const { enabled, changed } = await applyMailTracking(ANONYMOUS, choice === "on");
    console.log(`Mail tracking ${changed ? "is now" : "was already"} ${enabled ? "on: sends composed from now on count opens and clicks (totals only)" : "off"}.`);
  },
  async "dkim:keygen"(flags) {
    const fromDomain = addressOf(process.env.MAIL_FROM ?? "").split("@")[1];
    const domain = (flags.domain ?? process.env.DKIM_DOMAIN ?? fromDomain ?? "").trim().toLowerCase();
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) throw new UsageError("--domain D is required (the domain of MAIL_FROM's address, such as example.org)");
    const selector = (flags.selector ?? process.env.DKIM_SELECTOR ?? defaultSelector()).trim();
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i.test(selector)) throw new UsageError("--selector must be letters, digits and hyphens");
    const key = generateDkimKey({ selector, domain });
    if (flags.out && !writePrivateFileOnce(flags.out, key.privateKeyPem)) throw new UsageError(`${flags.out} exists already: choose another file`);
    console.log(`# The hub's settings:\nDKIM_DOMAIN=${domain}\nDKIM_SELECTOR=${selector}`);
    if (flags.out) console.log(`DKIM_PRIVATE_KEY_FILE=${path.resolve(flags.out)}`);
    else console.log(`# DKIM_PRIVATE_KEY (keep it secret; or save it to a file and set DKIM_PRIVATE_KEY_FILE):\n${key.privateKeyPem.trim()}`);
    console.log(`\n# Publish this DNS record (zone file line):\n${key.zoneLine}`);
    console.log(`# or, in a DNS provider's form: name ${selector}._domainkey.${domain}, type TXT, value:\n${key.txtValue}`);
  },
  async worker(flags) {
    registerMailJobs();
    if (flags.once) {
      // Due jobs first (a failure is recorded and shown on /admin/mail, never stops delivery), then one pass.
      const jobs = await runDueJobs();
      for (const j of jobs.filter((j) => j.error)) console.error(`Job ${j.name} failed: ${j.error}`);
      const result = await runWorkerOnce();
      console.log(JSON.stringify(result));
      return;
    }
    const worker = startWorker({});
    console.log("Worker running; Ctrl+C to stop.");
    await new Promise<void>((resolve) => {
      const stop = () => void worker.stop().then(resolve);
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
  },
};

/** Prints the progress of unfinished sends every few seconds until they are done (Ctrl+C stops watching only). */
async function followSends(ids: string[]) {
  while (ids.length) {
    await new Promise((r) => setTimeout(r, 3000));
    const rows = await sendsProgress(prisma(), { ids });
    for (const p of rows) console.log(describeProgress(p));
    ids = rows.filter((p) => p.status !== "DONE").map((p) => p.id);
  }
}

class UsageError extends Error {}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  const run = command ? commands[command] : undefined;
  if (!run) {
    console.error(USAGE);
    return 2;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      email: { type: "string" },
      name: { type: "string" },
      role: { type: "string" },
      once: { type: "boolean" },
      frequency: { type: "string" },
      revoke: { type: "boolean" },
      follow: { type: "boolean" },
      selector: { type: "string" },
      domain: { type: "string" },
      out: { type: "string" },
    },
    strict: true,
  });
  if (STANDALONE.has(command)) {
    await run({ ...values, args: positionals });
    return 0;
  }
  env();
  // Embedded mode: through the running server's socket, or by opening the data directory when no server runs.
  if (!BEFORE_DATABASE.has(command)) await reachDatabase();
  await run({ ...values, args: positionals });
  return 0;
}

main()
  .then(async (code) => {
    await closeDatabase();
    process.exit(code);
  })
  .catch(async (error) => {
    const known = error instanceof AppError || error instanceof UsageError || error instanceof EnvError || error instanceof DatabaseOwnerError || error instanceof BackupError || error?.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION";
    console.error(known ? `Error: ${error.message}${error instanceof AppError && error.fields ? ` (${Object.keys(error.fields).join(", ")})` : ""}` : error);
    await closeDatabase().catch(() => {});
    process.exit(1);
  });
