import fs from "node:fs";
import path from "node:path";
import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { joinUrl, manageUrl } from "../app/services/webinar-notices.server.ts";
import { calendarFeedUrl } from "../app/services/webinar-calendars.server.ts";
import { listLinks } from "../app/services/subscriptions/links.server.ts";
import { confirmSubscription, subscribe } from "../app/services/subscriptions/subscriptions.server.ts";
import { prisma } from "../app/utils/db.server.ts";
import { env } from "../app/utils/env.server.ts";
import { enqueueEmail } from "../emails/outbox.ts";
import { purgeExpiredMail } from "../emails/retention.ts";
import { listMailbox, mailDir, readMailboxMessage } from "../emails/transport.ts";
import { deliverDue, runWorkerOnce } from "../emails/worker.ts";
import { actorOf, makeUser } from "./factories.ts";
import { Client } from "./helpers/app.ts";
import { signInAs } from "./helpers/sign-in.ts";

const mode = (p: string) => fs.statSync(p).mode & 0o777;
const mailboxFileFor = async (subject: string) => (await listMailbox()).find((m) => m.subject === subject)!.file;

describe("/admin/mail", () => {
  it("never shows one-time links, in the list or in a message, and audits every read", async () => {
    const admin = await makeUser({ role: "ADMIN" });
    const partnerPerson = await makeUser({ role: "PARTNER" });
    const asked = await new Client("198.51.100.90").graphql(`mutation($e: String!) { requestSignInLink(email: $e) { ok } }`, { e: partnerPerson.email });
    expect(asked.errors).toBeUndefined();
    const feed = (await calendarFeedUrl(await actorOf(partnerPerson.id), true))!;
    await enqueueEmail(prisma(), {
      key: "webinar-links",
      to: partnerPerson.email,
      subject: "Gobernanza migratoria: ¿qué cambió en São Paulo?",
      html: "<p>Links</p>",
      text: `Join: ${joinUrl("reg1")}\nManage: ${manageUrl("reg1")}\nFeed: ${feed}\nProgramme: ${env().APP_URL}/webinars/w1`,
    });
    await deliverDue();

    const signInSubject = (await prisma().outboxMessage.findFirstOrThrow({ where: { toAddress: partnerPerson.email, key: { startsWith: "sign-in:" } } })).subject;
    const delivered = await simpleParser(readMailboxMessage(await mailboxFileFor(signInSubject))!);
    const token = /auth\/verify\?token=([^\s&]+)/.exec(delivered.text!)![1];
    expect(token.length).toBeGreaterThan(20);
    const secrets = [token, joinUrl("reg1").split("/j/")[1], manageUrl("reg1").split("/r/")[1], feed.split("/calendar/")[1].replace(".ics", "")];

    const browser = await signInAs(new Client(), admin.email);
    const list = await (await browser.get("/admin/mail")).text();
    expect(list).toContain("Gobernanza migratoria: ¿qué cambió en São Paulo?");
    for (const secret of secrets) expect(list).not.toContain(secret);

    for (const subject of [signInSubject, "Gobernanza migratoria: ¿qué cambió en São Paulo?"]) {
      const file = await mailboxFileFor(subject);
      const page = await (await browser.get(`/admin/mail/${encodeURIComponent(file)}`)).text();
      for (const secret of secrets) expect(page).not.toContain(secret);
      expect(page).toMatch(/\[redacted\]/);
    }
    const message = await (await browser.get(`/admin/mail/${encodeURIComponent(await mailboxFileFor("Gobernanza migratoria: ¿qué cambió en São Paulo?"))}`)).text();
    expect(message).toContain("/j/[redacted]");
    expect(message).toContain("/r/[redacted]");
    expect(message).toContain("/calendar/[redacted].ics");
    expect(message).toContain(`${env().APP_URL}/webinars/w1`);

    const audit = await prisma().auditEntry.findMany({ where: { actorId: admin.id, action: { startsWith: "mail." } }, orderBy: { createdAt: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["mail.listed", "mail.read", "mail.read", "mail.read"]);
    expect(audit.filter((a) => a.action === "mail.read").map((a) => a.targetId)).toContain(await mailboxFileFor(signInSubject));
  });

  it("never shows subscription confirmation, preference or unsubscribe keys", async () => {
    const admin = await makeUser({ role: "ADMIN" });
    const reader = "redacted-reader@example.org";
    await subscribe({ email: reader, language: "en", topics: ["CARE_WORK"], frequency: "WEEKLY" });
    await deliverDue();
    const confirmFile = (await listMailbox()).find((m) => m.to.includes(reader))!.file;
    const confirmText = (await simpleParser(readMailboxMessage(confirmFile)!)).text!;
    const confirmKey = /\/subscribe\/confirm\/(\S+)/.exec(confirmText)![1];
    const view = await confirmSubscription(decodeURIComponent(confirmKey));
    const row = await prisma().subscriber.findUniqueOrThrow({ where: { email: reader } });
    const links = listLinks({ kind: "subscriber", id: row.id, preferenceTokenVersion: row.preferenceTokenVersion });
    await enqueueEmail(prisma(), {
      key: "list-links",
      to: reader,
      subject: "Your weekly GenMig digest",
      html: "<p>Digest</p>",
      text: `Preferences: ${links.preferenceUrl}\nUnsubscribe: ${links.unsubscribeUrl}\n${links.headers["List-Unsubscribe"]}`,
      headers: links.headers,
    });
    await deliverDue();
    const secrets = [confirmKey, decodeURIComponent(confirmKey), view.preferenceToken];
    const browser = await signInAs(new Client(), admin.email);
    for (const file of [confirmFile, await mailboxFileFor("Your weekly GenMig digest")]) {
      const page = await (await browser.get(`/admin/mail/${encodeURIComponent(file)}`)).text();
      for (const secret of secrets) expect(page).not.toContain(secret);
      expect(page).toMatch(/\/(subscribe\/confirm|subscription|unsubscribe)\/\[redacted\]/);
    }
    const digest = await (await browser.get(`/admin/mail/${encodeURIComponent(await mailboxFileFor("Your weekly GenMig digest"))}`)).text();
    expect(digest).toContain("/subscription/[redacted]");
    expect(digest).toContain("/unsubscribe/[redacted]");
    expect(digest).toContain("subject=unsubscribe%20[redacted]");
  });

  it("shows counts per status and retries one failed message or all of them; only admins may", async () => {
    const admin = await makeUser({ role: "ADMIN" });
    for (const key of ["bounced-1", "bounced-2", "bounced-3"]) await enqueueEmail(prisma(), { key, to: `${key}@example.org`, subject: key, html: "<p/>", text: "x" });
    await prisma().outboxMessage.updateMany({ where: { key: { startsWith: "bounced-" } }, data: { status: "FAILED", attempts: 1, lastError: "550 No such user" } });
    const stats = await prisma().outboxMessage.groupBy({ by: ["status"], _count: { _all: true } });
    const count = (s: string) => stats.find((r) => r.status === s)?._count._all ?? 0;
    const browser = await signInAs(new Client(), admin.email);
    const page = await (await browser.get("/admin/mail")).text();
    expect(page).toContain(`Outbox: ${count("PENDING")} waiting, ${count("SENDING")} sending, ${count("SENT")} sent, ${count("FAILED")} failed.`);
    expect(count("FAILED")).toBe(3);

    const staff = await signInAs(new Client(), (await makeUser({ role: "STAFF" })).email);
    const one = await prisma().outboxMessage.findUniqueOrThrow({ where: { key: "bounced-1" } });
    expect((await staff.post("/admin/mail", { intent: "retry-all" })).status).toBe(403);
    expect((await staff.post("/admin/mail", { intent: "retry", id: one.id })).status).toBe(403);
    expect(await prisma().outboxMessage.count({ where: { status: "FAILED" } })).toBe(3);

    const single = await browser.post("/admin/mail", { intent: "retry", id: one.id });
    expect(single.status).toBe(200);
    expect(await single.text()).toContain("The message is queued again.");
    expect(await prisma().outboxMessage.findUniqueOrThrow({ where: { id: one.id } })).toMatchObject({ status: "PENDING", attempts: 0 });
    expect((await browser.post("/admin/mail", { intent: "retry", id: one.id })).status).toBe(404);

    const all = await browser.post("/admin/mail", { intent: "retry-all" });
    expect(await all.text()).toContain("Queued again: 2.");
    expect(await prisma().outboxMessage.count({ where: { status: "FAILED" } })).toBe(0);
    const audit = await prisma().auditEntry.findMany({ where: { actorId: admin.id, action: { startsWith: "mail.retried" } } });
    expect(audit.map((a) => [a.action, a.targetId])).toEqual([
      ["mail.retried", one.id],
      ["mail.retriedAll", "*"],
    ]);
    expect(await deliverDue()).toMatchObject({ sent: 3 });
  });
});

describe("mail files", () => {
  it("keeps the data directory, the mailbox and every message private to the server's OS user", async () => {
    await enqueueEmail(prisma(), { key: "private-1", to: "private@example.org", subject: "Private", html: "<p/>", text: "x" });
    await deliverDue();
    expect(mode(env().DATA_DIR)).toBe(0o700);
    expect(mode(mailDir())).toBe(0o700);
    const files = fs.readdirSync(mailDir());
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(mode(path.join(mailDir(), file))).toBe(0o600);
    expect(mode(path.join(env().DATA_DIR, "session-secret"))).toBe(0o600);
  });

  it("tightens a data directory an earlier version left open", async () => {
    fs.chmodSync(env().DATA_DIR, 0o755);
    const { parseEnv } = await import("../app/utils/env.server.ts");
    parseEnv(process.env);
    expect(mode(env().DATA_DIR)).toBe(0o700);
  });

  it("forgets mailbox files and sent rows after MAIL_RETENTION_DAYS, keeps what is still to deliver", async () => {
    for (const key of ["old-sent", "new-sent", "old-failed"]) await enqueueEmail(prisma(), { key, to: `${key}@example.org`, subject: key, html: "<p/>", text: "x" });
    await deliverDue();
    const now = new Date();
    const old = new Date(now.getTime() - 31 * 86_400_000);
    await prisma().outboxMessage.update({ where: { key: "old-sent" }, data: { sentAt: old } });
    await prisma().outboxMessage.update({ where: { key: "old-failed" }, data: { status: "FAILED", createdAt: old } });
    await enqueueEmail(prisma(), { key: "old-pending", to: "p@example.org", subject: "p", html: "<p/>", text: "x" });
    const oldFile = path.join(mailDir(), await mailboxFileFor("old-sent"));
    fs.utimesSync(oldFile, old, old);
    const filesBefore = fs.readdirSync(mailDir()).length;

    const purged = await purgeExpiredMail(now, 30);
    expect(purged).toEqual({ files: 1, rows: 1 });
    expect(fs.existsSync(oldFile)).toBe(false);
    expect(fs.readdirSync(mailDir()).length).toBe(filesBefore - 1);
    const left = await prisma().outboxMessage.findMany({ where: { key: { in: ["old-sent", "new-sent", "old-failed", "old-pending"] } }, orderBy: { key: "asc" } });
    expect(left.map((m) => m.key)).toEqual(["new-sent", "old-failed", "old-pending"]);
    expect(await purgeExpiredMail(now, 0)).toEqual({ files: 0, rows: 0 });
  });

  it("is applied by the worker itself", async () => {
    await enqueueEmail(prisma(), { key: "expired-by-worker", to: "w@example.org", subject: "w", html: "<p/>", text: "x" });
    await deliverDue();
    await prisma().outboxMessage.update({ where: { key: "expired-by-worker" }, data: { sentAt: new Date(Date.now() - 40 * 86_400_000) } });
    await runWorkerOnce();
    expect(await prisma().outboxMessage.findUnique({ where: { key: "expired-by-worker" } })).toBeNull();
  });
});
