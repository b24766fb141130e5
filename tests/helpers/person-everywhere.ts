import fs from "node:fs";
import path from "node:path";
import { recordAudit } from "../../app/services/audit.server.ts";
import { sha256 } from "../../app/services/crypto.server.ts";
import { hit } from "../../app/services/rate-limit.server.ts";
import { fileStore, newFileKey } from "../../app/services/storage/file-store.server.ts";
import { suppress, recordSoftBounce } from "../../app/services/subscriptions/suppression.server.ts";
import { registerForWebinar } from "../../app/services/webinar-registrations.server.ts";
import { scheduleWebinar } from "../../app/services/webinars.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { env } from "../../app/utils/env.server.ts";
import { enqueueEmail } from "../../emails/outbox.ts";
import { runWorkerOnce } from "../../emails/worker.ts";
import { actorOf, focalPointOf, makePartner, makeUser } from "../factories.ts";

const HOUR = 3600_000;

/**
 * One person who touches every table that can hold something of a person: account, institution, subscription,
 * suppression, digest options, registrations and requests, statistics answers, tokens and sessions, dialogue
 * posts with revisions, documents with bytes (one in an open dialogue, one under Chatham House), support
 * requests with staff texts naming them, invitations to and by them, audit entries, rate-limit counters, and mail
 * to and about them, delivered into the file mailbox.
 */
export async function seedPersonEverywhere(tag: string) {
  const email = `zorana.${tag}@example.org`;
  const name = `Zorana Quillfeather${tag}`;
  const db = prisma();
  const staff = await makeUser({ role: "STAFF", name: "Staff Person" });
  const other = await makeUser({ name: "Other Member" });
  // The institution they registered as focal point: the application keeps their name and address.
  const partner = await makePartner({ focalPointEmail: email, focalPointName: name, decidedBy: staff });
  const person = await focalPointOf(partner);
  await db.user.update({ where: { id: person.id }, data: { calendarSecret: `cal-${tag}-${person.id}` } });
  await db.membership.create({ data: { userId: other.id, partnerId: partner.id } });

  // Newsletter, suppression (a bounce diagnostic naming the address), soft bounces, digest options.
  await db.subscriber.create({
    data: { email, language: "EN", topics: [], frequency: "WEEKLY", status: "CONFIRMED", confirmedAt: new Date(), consentSource: "subscribe-form", consentWordingVersion: "2026-01" },
  });
  await suppress(db, email, "COMPLAINT", `complaint from ${email}`);
  await recordSoftBounce(db, email);
  await db.userDigestPreference.create({ data: { userId: person.id, topics: ["CARE_WORK"] } });

  // Registrations (one confirmed, one pending request), statistics answers, tokens, sessions, limits.
  const start = new Date(Math.floor((Date.now() + 5 * 24 * HOUR) / 60_000) * 60_000);
  const webinar = await scheduleWebinar(staff, {
    translations: [{ language: "en", title: `Care work ${tag}` }],
    startsAt: start,
    endsAt: new Date(start.getTime() + HOUR),
    timeZone: "UTC",
    meetingUrl: "https://meet.example.org/x",
  });
  await registerForWebinar(person, webinar.id, { timeZone: "UTC", demographics: { gender: "woman", ageBand: "25-34" } });
  await db.webinarRegistrationRequest.create({
    data: { webinarId: webinar.id, email, answers: { name, email, institution: partner.name }, expiresAt: new Date(Date.now() + HOUR) },
  });
  await db.signInToken.create({ data: { email, tokenHash: sha256(`sign-in-${tag}`), expiresAt: new Date(Date.now() + HOUR) } });
  await db.session.create({ data: { id: `session-${tag}-${person.id}`, userId: person.id, expiresAt: new Date(Date.now() + HOUR), userAgent: "Firefox", ip: "198.51.100.9" } });
  await db.apiToken.create({ data: { userId: person.id, name: `token of ${name}`, tokenHash: sha256(`api-${tag}`), prefix: "gmh_abcd" } });
  await hit(`subscribe:to:${email}`, { max: 5, windowMs: HOUR });
  await hit(`support-request:user:${person.id}`, { max: 5, windowMs: HOUR });

  // Dialogues: an open one and one under Chatham House; posts with revisions; documents with bytes.
  const open = await db.dialogue.create({ data: { createdById: person.id, translations: { create: { language: "EN", title: `Open ${tag}` } } } });
  const chatham = await db.dialogue.create({ data: { chathamHouse: true, translations: { create: { language: "EN", title: `Closed ${tag}` } } } });
  for (const d of [open, chatham]) {
    await db.dialogueMember.create({ data: { dialogueId: d.id, userId: person.id } });
    await db.dialogueMember.create({ data: { dialogueId: d.id, userId: other.id } });
  }
  const thread = await db.dialogueThread.create({ data: { dialogueId: open.id, title: "Remittances", createdById: person.id } });
  const post = await db.dialoguePost.create({
    data: { threadId: thread.id, authorId: person.id, body: "Remittances matter.", html: "<p>Remittances matter.</p>", editedAt: new Date() },
  });
  await db.dialoguePostRevision.create({ data: { postId: post.id, body: `Signed ${name}, ${email}` } });
  const chathamThread = await db.dialogueThread.create({ data: { dialogueId: chatham.id, title: "Borders", createdById: other.id } });
  const chathamPost = await db.dialoguePost.create({ data: { threadId: chathamThread.id, authorId: person.id, body: "Borders too.", html: "<p>Borders too.</p>" } });
  const otherPost = await db.dialoguePost.create({ data: { threadId: thread.id, authorId: other.id, body: "Agreed.", html: "<p>Agreed.</p>" } });
  const store = fileStore();
  const openKey = newFileKey();
  const openBytes = new TextEncoder().encode(`CV of ${name} <${email}>`);
  await store.put(openKey, openBytes);
  const openDoc = await db.dialogueDocument.create({
    data: { dialogueId: open.id, uploaderId: person.id, fileName: "notes.txt", storageKey: openKey, size: openBytes.length, contentType: "text/plain", sha256: sha256(Buffer.from(openBytes).toString()) },
  });
  const chathamKey = newFileKey();
  const chathamBytes = new TextEncoder().encode("Minutes of the closed meeting");
  await store.put(chathamKey, chathamBytes);
  const chathamDoc = await db.dialogueDocument.create({
    data: { dialogueId: chatham.id, uploaderId: person.id, fileName: "minutes.txt", storageKey: chathamKey, size: chathamBytes.length, contentType: "text/plain", sha256: "x" },
  });
  await db.dialogueInvitation.create({ data: { dialogueId: open.id, email, tokenHash: sha256(`dlg-${tag}`), expiresAt: new Date(Date.now() + HOUR) } });
  await db.dialogueInvitation.create({ data: { dialogueId: open.id, email: `guest-${tag}@example.org`, tokenHash: sha256(`dlg-by-${tag}`), invitedById: person.id, expiresAt: new Date(Date.now() + HOUR) } });
  await db.partnerInvitation.create({ data: { partnerId: partner.id, email: `colleague-${tag}@example.org`, name: "Colleague", tokenHash: sha256(`pi-${tag}`), invitedById: person.id, expiresAt: new Date(Date.now() + HOUR) } });

  // A support request they made, worked by staff whose texts name them.
  const request = await db.supportRequest.create({
    data: {
      type: "FIELD_CONNECTION",
      partnerId: partner.id,
      requesterId: person.id,
      language: "EN",
      region: "002",
      topic: "Labour migration",
      country: "SN",
      needs: `Please call ${name} on ${email}`,
      notes: { create: { authorId: staff.id, body: `Spoke with ${name}` } },
      messages: { create: { authorId: staff.id, body: `Dear ${name}, we are on it.` } },
      history: { create: [{ actorId: person.id, toStatus: "NEW" }, { actorId: staff.id, fromStatus: "NEW", toStatus: "IN_REVIEW", reason: `asked by ${email}` }] },
    },
  });

  // Audit entries naming them (as actor, as target, and in the data).
  await recordAudit(db, person, "profile.updated", { type: "User", id: person.id }, { email, name });
  await recordAudit(db, staff, "partner.note", { type: "Partner", id: partner.id }, { about: `${name} <${email}>`, userId: person.id });

  // Mail to them and about them: one delivered into the mailbox, one still queued.
  await enqueueEmail(db, { key: `hello-${tag}`, to: email, subject: `Welcome ${name}`, html: `<p>Hello ${name}</p>`, text: `Hello ${name}` });
  await enqueueEmail(db, { key: `about-${tag}`, to: other.email, subject: "New post", html: `<p>${name} posted</p>`, text: `${name} posted` });
  await runWorkerOnce();
  await enqueueEmail(db, { key: `later-${tag}`, to: email, subject: "Digest", html: "<p>Digest</p>", text: "Digest" });

  return {
    email,
    name,
    person: await actorOf(person.id),
    staff,
    other,
    partner,
    webinar,
    dialogues: { open, chatham },
    posts: { post, chathamPost, otherPost },
    documents: { openDoc, chathamDoc },
    request,
  };
}

/** Every text, JSON, array and byte column of every table (from information_schema) that holds any needle. */
export async function databaseTraces(needles: string[]) {
  const columns = await prisma().$queryRaw<{ table: string; column: string; type: string }[]>`
    SELECT table_name::text AS "table", column_name::text AS "column", data_type::text AS "type" FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name <> '_prisma_migrations'
      AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'bytea', 'USER-DEFINED')`;
  const found: string[] = [];
  for (const { table, column, type } of columns) {
    const q = `"${table.replace(/"/g, '""')}"."${column.replace(/"/g, '""')}"`;
    // One scan per column, one count per needle.
    const counts = needles.map((_, i) =>
      type === "bytea"
        ? `count(*) FILTER (WHERE position(convert_to($${i + 1}, 'UTF8') in ${q}) > 0)::int`
        : `count(*) FILTER (WHERE position(lower($${i + 1}) in lower(${q}::text)) > 0)::int`,
    );
    const rows = await prisma().$queryRawUnsafe<Record<string, number>[]>(`SELECT ${counts.map((c, i) => `${c} AS n${i}`).join(", ")} FROM "${table}"`, ...needles);
    needles.forEach((needle, i) => {
      if (rows[0][`n${i}`] > 0) found.push(`${table}.${column} holds "${needle}" (${rows[0][`n${i}`]} row(s))`);
    });
  }
  return found;
}

/** Every file under DATA_DIR (file store, mailbox, anything else) whose bytes hold any needle. */
export function fileTraces(needles: string[], root = env().DATA_DIR) {
  const found: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        const content = fs.readFileSync(full).toString("utf8").toLowerCase();
        for (const needle of needles) if (content.includes(needle.toLowerCase())) found.push(`${path.relative(root, full)} holds "${needle}"`);
      }
    }
  };
  walk(root);
  return found;
}
