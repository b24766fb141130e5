import { editPostSchema, postSchema, threadSchema } from "../../schemas/dialogue.ts";
import type { PageArgs } from "../../schemas/page.ts";
import { parseInput } from "../../schemas/validate.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import { prisma, type Client } from "../../utils/db.server.ts";
import { recordAudit } from "../audit.server.ts";
import { AppError, notFound } from "../errors.ts";
import { paginate, parsePage, toPage } from "../pagination.server.ts";
import { authorize, can, requireUser, type Actor } from "../policy.server.ts";
import { readableDialogue, type DialogueView } from "./access.server.ts";
import { countPost } from "./contribution-limits.server.ts";
import { renderMarkdown } from "./markdown.ts";
import { notifyNewPost } from "./notifications.server.ts";
import { loadPost, postInclude, postView } from "./post-view.ts";
import { auditedContributor } from "./policy.ts";

export type { PostView } from "./post-view.ts";

export async function startThread(actor: Actor, dialogueId: string, input: unknown) {
  const data = parseInput(threadSchema, input);
  const user = requireUser(actor);
  authorize(actor, { do: "dialogue.post", dialogue: await readableDialogue(actor, dialogueId) });
  await countPost(user.id, dialogueId);
  return prisma().$transaction(async (tx) => {
    const dialogue = await readableDialogue(actor, dialogueId, tx);
    authorize(actor, { do: "dialogue.post", dialogue });
    const thread = await tx.dialogueThread.create({ data: { dialogueId, title: data.title, createdById: user.id } });
    const first = await tx.dialoguePost.create({
      data: { threadId: thread.id, authorId: user.id, body: data.body, html: renderMarkdown(data.body), attributable: data.attributable },
    });
    await notifyNewPost(tx, dialogue, thread, await loadPost(tx, first.id));
    await recordAudit(tx, auditedContributor(actor, dialogue), "dialogue.threadStarted", { type: "DialogueThread", id: thread.id }, { dialogueId });
    return { ...thread, dialogue };
  });
}

export async function postInThread(actor: Actor, threadId: string, input: unknown) {
  const data = parseInput(postSchema, input);
  const user = requireUser(actor);
  const readable = await readableThread(actor, threadId);
  authorize(actor, { do: "dialogue.post", dialogue: readable.dialogue });
  await countPost(user.id, readable.dialogueId);
  return prisma().$transaction(async (tx) => {
    const thread = await readableThread(actor, threadId, tx);
    authorize(actor, { do: "dialogue.post", dialogue: thread.dialogue });
    const created = await tx.dialoguePost.create({
      data: { threadId, authorId: user.id, body: data.body, html: renderMarkdown(data.body), attributable: data.attributable },
    });
    await tx.dialogueThread.update({ where: { id: threadId }, data: { lastPostAt: created.createdAt } });
    const row = await loadPost(tx, created.id);
    await notifyNewPost(tx, thread.dialogue, thread, row);
    return postView(actor, thread.dialogue, row);
  });
}

/**
 * The author rewrites their post; the previous body is kept as a revision, which facilitators and staff can
 * read (others see only "edited"). The post keeps its place in the thread and no notification is sent again.
 */
export async function editPost(actor: Actor, postId: string, input: unknown, now = new Date()) {
  const data = parseInput(editPostSchema, input);
  const user = requireUser(actor);
  await editablePost(actor, postId);
  await countPost(user.id, null);
  return prisma().$transaction(async (tx) => {
    const { thread, current } = await editablePost(actor, postId, tx);
    if (current.body !== data.body) {
      await tx.dialoguePostRevision.create({ data: { postId, body: current.body, createdAt: current.editedAt ?? current.createdAt } });
      await tx.dialoguePost.update({ where: { id: postId }, data: { body: data.body, html: renderMarkdown(data.body), editedAt: now } });
      await recordAudit(tx, auditedContributor(actor, thread.dialogue), "dialogue.postEdited", { type: "DialoguePost", id: postId }, { threadId: thread.id });
    }
    return postView(actor, thread.dialogue, await loadPost(tx, postId));
  });
}

/** The post and its thread when `actor` may edit it; NOT_FOUND for whoever may not read it, FORBIDDEN for other readers. */
async function editablePost(actor: Actor, postId: string, db: Client = prisma()) {
  const existing = actor.kind === "user" ? await db.dialoguePost.findUnique({ where: { id: postId }, select: { threadId: true } }) : null;
  if (!existing) throw notFound();
  const thread = await readableThread(actor, existing.threadId, db);
  const current = await loadPost(db, postId);
  if (!can(actor, { do: "dialogue.editPost", dialogue: thread.dialogue, post: { authorId: current.authorId } })) throw new AppError("FORBIDDEN", "not_author");
  return { thread, current };
}

/**
 * Earlier versions of the given posts, newest first, keyed by post; empty for whoever may not see the history.
 * Each revision is dated when that version was written.
 */
export async function postRevisions(actor: Actor, dialogue: DialogueView, postIds: readonly string[]) {
  const byPost = new Map<string, { id: string; body: string; writtenAt: Date }[]>(postIds.map((id) => [id, []]));
  if (!postIds.length || !can(actor, { do: "dialogue.viewHistory", dialogue })) return byPost;
  const rows = await prisma().dialoguePostRevision.findMany({
    where: { postId: { in: [...postIds] }, post: { thread: { dialogueId: dialogue.id } } },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
  });
  for (const r of rows) byPost.get(r.postId)?.push({ id: r.id, body: r.body, writtenAt: r.createdAt });
  return byPost;
}

/** A thread with its dialogue, or NOT_FOUND for whoever may not read that dialogue's content. */
export async function readableThread(actor: Actor, threadId: string, db: Client = prisma()) {
  const thread = actor.kind === "user" ? await db.dialogueThread.findUnique({ where: { id: threadId } }) : null;
  if (!thread) throw notFound();
  return { ...thread, dialogue: await readableDialogue(actor, thread.dialogueId, db) };
}

/** Threads of a dialogue, most recently active first; an empty list for whoever may not read its content. */
export async function listThreads(actor: Actor, dialogue: DialogueView & { id: string }, page?: PageArgs) {
  const where = can(actor, { do: "dialogue.read", dialogue }) ? { dialogueId: dialogue.id } : { id: { in: [] } };
  const result = await paginate(
    page,
    (q) => prisma().dialogueThread.findMany({ where, orderBy: [{ lastPostAt: "desc" }, { id: "asc" }], ...q }),
    () => prisma().dialogueThread.count({ where }),
  );
  const edges = result.edges.map((e) => ({ ...e, node: { ...e.node, dialogue } }));
  return { ...result, edges, nodes: edges.map((e) => e.node) };
}
export type ThreadView = Awaited<ReturnType<typeof readableThread>>;

/** Posts of a thread, oldest first, each with its author shown or hidden by the policy. */
export async function listPosts(actor: Actor, thread: ThreadView, page?: PageArgs) {
  const where = can(actor, { do: "dialogue.read", dialogue: thread.dialogue }) ? { threadId: thread.id } : { id: { in: [] } };
  const result = await paginate(
    page,
    (q) => prisma().dialoguePost.findMany({ where, include: postInclude, orderBy: [{ createdAt: "asc" }, { id: "asc" }], ...q }),
    () => prisma().dialoguePost.count({ where }),
  );
  const edges = result.edges.map((e) => ({ ...e, node: postView(actor, thread.dialogue, e.node) }));
  return { ...result, edges, nodes: edges.map((e) => e.node) };
}

/**
 * The first (or last) page of posts of many threads at once, for a list of threads that asks for them: one windowed
 * query for the ids, one for the rows with their authors, one grouped count when asked, however many threads. A page
 * after a cursor belongs to one thread and is read on its own.
 */
export async function listPostsOf(actor: Actor, threads: readonly ThreadView[], page?: PageArgs) {
  const p = parsePage(page);
  const unique = [...new Map(threads.map((th) => [th.id, th])).values()];
  if (p.cursorId || unique.length === 1) {
    const pages = await Promise.all(unique.map((th) => listPosts(actor, th, page)));
    return new Map(unique.map((th, i) => [th.id, pages[i]]));
  }
  const readable = unique.filter((th) => can(actor, { do: "dialogue.read", dialogue: th.dialogue })).map((th) => th.id);
  const db = prisma();
  const dir = p.backward ? Prisma.sql`DESC` : Prisma.sql`ASC`;
  const picked = readable.length
    ? await db.$queryRaw<{ id: string }[]>`
        SELECT id FROM (
          SELECT id, ROW_NUMBER() OVER (PARTITION BY "threadId" ORDER BY "createdAt" ${dir}, id ${dir}) AS n
          FROM "DialoguePost" WHERE "threadId" = ANY(${readable}::text[])
        ) ranked WHERE n <= ${p.size + 1}`
    : [];
  const rows = picked.length
    ? await db.dialoguePost.findMany({ where: { id: { in: picked.map((r) => r.id) } }, include: postInclude, orderBy: [{ createdAt: "asc" }, { id: "asc" }] })
    : [];
  let counts: Promise<Map<string, number>> | undefined;
  const countAll = () =>
    (counts ??= readable.length
      ? db.dialoguePost
          .groupBy({ by: ["threadId"], where: { threadId: { in: readable } }, _count: { _all: true } })
          .then((groups) => new Map(groups.map((g) => [g.threadId, g._count._all])))
      : Promise.resolve(new Map<string, number>()));
  return new Map(
    unique.map((th) => {
      const result = toPage(p, rows.filter((r) => r.threadId === th.id), () => countAll().then((m) => m.get(th.id) ?? 0));
      const edges = result.edges.map((e) => ({ ...e, node: postView(actor, th.dialogue, e.node) }));
      return [th.id, { ...result, edges, nodes: edges.map((e) => e.node) }];
    }),
  );
}
