import { enqueueEmails, type OutgoingEmail } from "../../../emails/outbox.ts";
import { dialogueDigestEmail, dialoguePostEmail, type MailThread } from "../../../emails/templates/dialogue-activity.tsx";
import { fromDbLanguage } from "../../i18n/index.ts";
import { prisma, type Client } from "../../utils/db.server.ts";
import { env } from "../../utils/env.server.ts";
import { AppError, notFound } from "../errors.ts";
import { can, requireUser, type Actor, type ActorMembership, type SignedInActor } from "../policy.server.ts";
import type { Role } from "../../generated/prisma/client.ts";
import { dialogueListHeaders } from "../subscriptions/streams.server.ts";
import { pickText, visibleDialogue, type DialogueView } from "./access.server.ts";
import type { DialogueRole } from "./policy.ts";
import { postView } from "./post-view.ts";
import { replyAddressFor } from "./replies/reply-address.server.ts";

export const NOTIFY = ["IMMEDIATE", "DAILY", "WEEKLY", "NEVER"] as const;
export type Notify = (typeof NOTIFY)[number];
export type DigestFrequency = "DAILY" | "WEEKLY";

const PERIOD_MS: Record<DigestFrequency, number> = { DAILY: 86400_000, WEEKLY: 7 * 86400_000 };
/**
 * A digest covers posts written up to one minute before the run, so a post whose transaction started before the
 * run but commits after the cursor moved is still ahead of the cursor, not silently skipped.
 */
export const DIGEST_GRACE_MS = 60_000;
const POSTS_PER_THREAD = 10;
const POSTS_PER_DIGEST = 100;
const BATCH = 200;

const threadUrl = (dialogueId: string, threadId: string) => `${env().APP_URL}/dialogues/${dialogueId}/threads/${threadId}`;
const dialogueUrl = (dialogueId: string) => `${env().APP_URL}/dialogues/${dialogueId}`;

/** The recipients as the policy knows them, read in the caller's transaction (loadActor reads outside it). */
async function actorsFor(db: Client, userIds: string[]): Promise<Map<string, SignedInActor>> {
  const users = userIds.length
    ? await db.user.findMany({ where: { id: { in: userIds } }, include: { memberships: { include: { partner: { select: { status: true, name: true } } } } } })
    : [];
  return new Map(
    users.map((u) => {
      const memberships: ActorMembership[] = u.memberships.map((m) => ({ partnerId: m.partnerId, partnerName: m.partner.name, role: m.role, partnerStatus: m.partner.status }));
      return [u.id, { kind: "user", id: u.id, email: u.email, name: u.name, role: u.role as Role, language: u.language, memberships }];
    }),
  );
}

const asMember = (dialogue: Omit<DialogueView, "viewerRole">, role: DialogueRole): DialogueView => ({ ...dialogue, viewerRole: role });

/** The member's own setting; NOT_FOUND for whoever is not a member (staff included: they have nothing to set). */
export async function myNotificationSetting(actor: Actor, dialogueId: string): Promise<Notify> {
  const user = requireUser(actor);
  const row = await prisma().dialogueMember.findUnique({ where: { dialogueId_userId: { dialogueId, userId: user.id } }, select: { notify: true } });
  if (!row) throw notFound();
  return row.notify;
}

/**
 * A member chooses how they hear about new posts. The digest cursor restarts now: switching from immediate to a
 * digest must not send again what was already mailed one by one.
 */
export async function setDialogueNotifications(actor: Actor, dialogueId: string, notify: unknown, now = new Date()): Promise<Notify> {
  const user = requireUser(actor);
  const value = NOTIFY.find((n) => n === notify);
  if (!value) throw new AppError("BAD_USER_INPUT", "invalid_notify", { notify: { key: "invalid_notify" } });
  return prisma().$transaction(async (tx) => {
    const dialogue = await visibleDialogue(actor, dialogueId, tx);
    if (dialogue.viewerRole === null) throw notFound();
    await tx.dialogueMember.update({ where: { dialogueId_userId: { dialogueId, userId: user.id } }, data: { notify: value, notifiedUntil: now } });
    return value;
  });
}

type PostRow = Parameters<typeof postView>[2];

/**
 * Called in the transaction that wrote a post: one BULK email to each member who chose IMMEDIATE, except the
 * author. Each copy is rendered for its recipient through `postView`, so Chatham House decides the name shown.
 */
export async function notifyNewPost(tx: Client, dialogue: DialogueView, thread: { id: string; title: string; replyRef: number }, post: PostRow) {
  const members = await tx.dialogueMember.findMany({
    where: { dialogueId: dialogue.id, notify: "IMMEDIATE", ...(post.authorId ? { userId: { not: post.authorId } } : {}) },
    select: { id: true, userId: true, role: true, replyRef: true, user: { select: { replyRef: true, replyKeyVersion: true } } },
  });
  if (!members.length) return 0;
  const actors = await actorsFor(tx, members.map((m) => m.userId));
  const emails: OutgoingEmail[] = [];
  for (const m of members) {
    const actor = actors.get(m.userId);
    const view = asMember(dialogue, m.role);
    if (!actor || !can(actor, { do: "dialogue.read", dialogue: view })) continue;
    const lang = fromDbLanguage(actor.language) ?? "en";
    const seen = postView(actor, view, post);
    // A closed dialogue takes no replies, so its mail offers none.
    const replyTo = view.closedAt ? null : replyAddressFor({ user: m.user, member: m, thread });
    const rendered = dialoguePostEmail(lang, {
      title: pickText(dialogue, lang).title,
      chathamHouse: dialogue.chathamHouse,
      dialogueUrl: dialogueUrl(dialogue.id),
      thread: { title: thread.title, url: threadUrl(dialogue.id, thread.id), more: 0, posts: [{ author: seen.author, body: seen.body, createdAt: seen.createdAt }], replyAddress: replyTo },
    });
    const headers = { ...dialogueListHeaders(dialogue.id, m.id), ...(replyTo ? { "Reply-To": replyTo } : {}) };
    emails.push({ key: `dialogue-post:${post.id}:${m.userId}`, to: actor.email, ...rendered, headers });
  }
  await enqueueEmails(tx, emails, { priority: "BULK" });
  return emails.length;
}

export interface DigestRun {
  members: number;
  sent: number;
}

/**
 * Daily or weekly digests for every member whose period has passed (or, with `force`, for every member on that
 * frequency: the operator's on-demand run). Safe to run from every worker at once.
 */
export async function runDialogueDigests(frequency: DigestFrequency, opts: { now?: Date; force?: boolean } = {}): Promise<DigestRun> {
  const now = opts.now ?? new Date();
  const upTo = new Date(now.getTime() - DIGEST_GRACE_MS);
  const dueBefore = opts.force ? upTo : new Date(now.getTime() - PERIOD_MS[frequency]);
  const run: DigestRun = { members: 0, sent: 0 };
  let after = "";
  for (;;) {
    const due = await prisma().dialogueMember.findMany({
      where: { notify: frequency, notifiedUntil: opts.force ? { lt: dueBefore } : { lte: dueBefore }, id: { gt: after } },
      select: { id: true, dialogueId: true, userId: true, role: true, notifiedUntil: true, replyRef: true, user: { select: { replyRef: true, replyKeyVersion: true } } },
      orderBy: { id: "asc" },
      take: BATCH,
    });
    for (const member of due) {
      run.members++;
      if (await digestForMember(member, frequency, upTo)) run.sent++;
    }
    if (due.length < BATCH) return run;
    after = due[due.length - 1].id;
  }
}

/**
 * One member's digest of one dialogue. The cursor moves in the transaction that queues the email, and only if
 * nobody moved it first: after a crash either both happened or neither, and two workers never both send.
 * An empty digest still moves the cursor, and sends nothing.
 */
async function digestForMember(
  member: { id: string; dialogueId: string; userId: string; role: DialogueRole; notifiedUntil: Date; replyRef: number; user: { replyRef: number; replyKeyVersion: number } },
  frequency: DigestFrequency,
  upTo: Date,
): Promise<boolean> {
  return prisma().$transaction(async (tx) => {
    const claimed = await tx.dialogueMember.updateMany({ where: { id: member.id, notifiedUntil: member.notifiedUntil }, data: { notifiedUntil: upTo } });
    if (claimed.count !== 1) return false;
    const posts = await tx.dialoguePost.findMany({
      where: {
        thread: { dialogueId: member.dialogueId },
        createdAt: { gt: member.notifiedUntil, lte: upTo },
        OR: [{ authorId: null }, { authorId: { not: member.userId } }],
      },
      include: { author: { select: { id: true, name: true, memberships: { select: { partner: { select: { name: true } } } } } }, thread: { select: { id: true, title: true, replyRef: true } } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: POSTS_PER_DIGEST,
    });
    if (!posts.length) return false;
    const [actor] = (await actorsFor(tx, [member.userId])).values();
    const dialogue = await tx.dialogue.findUnique({ where: { id: member.dialogueId }, include: { translations: { orderBy: { language: "asc" } } } });
    if (!actor || !dialogue) return false;
    const view = asMember(dialogue, member.role);
    if (!can(actor, { do: "dialogue.read", dialogue: view })) return false;
    const threads = new Map<string, MailThread>();
    for (const { thread, ...row } of posts) {
      const seen = postView(actor, view, row);
      const replyAddress = view.closedAt ? null : replyAddressFor({ user: member.user, member, thread });
      const entry = threads.get(thread.id) ?? { title: thread.title, url: threadUrl(dialogue.id, thread.id), posts: [], more: 0, replyAddress };
      if (entry.posts.length < POSTS_PER_THREAD) entry.posts.push({ author: seen.author, body: seen.body, createdAt: seen.createdAt });
      else entry.more++;
      threads.set(thread.id, entry);
    }
    const lang = fromDbLanguage(actor.language) ?? "en";
    const rendered = dialogueDigestEmail(lang, {
      frequency,
      title: pickText(dialogue, lang).title,
      chathamHouse: dialogue.chathamHouse,
      dialogueUrl: dialogueUrl(dialogue.id),
      threads: [...threads.values()],
    });
    const key = `dialogue-digest:${member.id}:${upTo.toISOString()}`;
    // Each thread names its own address in the text; the header can name one, so only a one-thread digest has it.
    const only = threads.size === 1 ? [...threads.values()][0].replyAddress : null;
    const headers = { ...dialogueListHeaders(dialogue.id, member.id), ...(only ? { "Reply-To": only } : {}) };
    await enqueueEmails(tx, [{ key, to: actor.email, ...rendered, headers }], { priority: "BULK" });
    return true;
  });
}

/** The worker's periodic job: both frequencies, each member when their period has passed. */
export async function queueDialogueDigests(now: Date) {
  await runDialogueDigests("DAILY", { now });
  await runDialogueDigests("WEEKLY", { now });
}
