import type { Prisma } from "../../generated/prisma/client.ts";
import { toDbLanguage } from "../../i18n/index.ts";
import { dialogueSchema, dialogueUpdateSchema } from "../../schemas/dialogue.ts";
import type { PageArgs } from "../../schemas/page.ts";
import { parseInput } from "../../schemas/validate.ts";
import { prisma, type Client } from "../../utils/db.server.ts";
import { recordAudit } from "../audit.server.ts";
import { AppError } from "../errors.ts";
import { paginate } from "../pagination.server.ts";
import { authorize, can, isStaff, requireUser, type Actor } from "../policy.server.ts";
import { dialogueInclude, toView, visibleDialogue, type DialogueView } from "./access.server.ts";
import { shownInvitation } from "./invitation-view.ts";

const translationRows = (ts: { language: "en" | "fr" | "es"; title: string; description: string }[]) =>
  ts.map((t) => ({ language: toDbLanguage(t.language), title: t.title, description: t.description }));

/** Staff open a dialogue; they become its first facilitator, so it is on their own list. */
export async function createDialogue(actor: Actor, input: unknown): Promise<DialogueView> {
  authorize(actor, { do: "dialogue.create" });
  const user = requireUser(actor);
  const data = parseInput(dialogueSchema, input);
  return prisma().$transaction(async (tx) => {
    const created = await tx.dialogue.create({
      data: {
        visibility: data.visibility,
        chathamHouse: data.chathamHouse,
        createdById: user.id,
        translations: { create: translationRows(data.translations) },
        members: { create: { userId: user.id, role: "FACILITATOR" } },
      },
      include: dialogueInclude(actor),
    });
    await recordAudit(tx, actor, "dialogue.created", { type: "Dialogue", id: created.id }, { visibility: data.visibility, chathamHouse: data.chathamHouse });
    return toView(created);
  });
}

/** Staff change texts, visibility or the Chatham House mode; the translations given replace the old ones. */
export async function updateDialogue(actor: Actor, id: string, input: unknown): Promise<DialogueView> {
  const data = parseInput(dialogueUpdateSchema, input);
  return prisma().$transaction(async (tx) => {
    const current = await visibleDialogue(actor, id, tx);
    authorize(actor, { do: "dialogue.update", dialogue: current });
    if (current.chathamHouse && data.chathamHouse === false) await refuseToLiftChathamHouse(tx, id);
    if (data.translations) await tx.dialogueTranslation.deleteMany({ where: { dialogueId: id } });
    const updated = await tx.dialogue.update({
      where: { id },
      data: {
        visibility: data.visibility,
        chathamHouse: data.chathamHouse,
        ...(data.translations ? { translations: { create: translationRows(data.translations) } } : {}),
      },
      include: dialogueInclude(actor),
    });
    await recordAudit(tx, actor, "dialogue.updated", { type: "Dialogue", id }, { fields: Object.keys(data) });
    return toView(updated);
  });
}

/**
 * Staff close a dialogue (or open it again): a closed one stays readable, and the policy refuses new posts, edits
 * and documents on every route — pages, GraphQL and replies by email alike (ADR 0052).
 */
export async function setDialogueClosed(actor: Actor, id: string, closed: boolean, now = new Date()): Promise<DialogueView> {
  return prisma().$transaction(async (tx) => {
    const current = await visibleDialogue(actor, id, tx);
    authorize(actor, { do: "dialogue.update", dialogue: current });
    if (Boolean(current.closedAt) === closed) return current;
    const updated = await tx.dialogue.update({ where: { id }, data: { closedAt: closed ? now : null }, include: dialogueInclude(actor) });
    await recordAudit(tx, actor, closed ? "dialogue.closed" : "dialogue.reopened", { type: "Dialogue", id });
    return toView(updated);
  });
}

/**
 * What was said or shared under the Chatham House Rule stays unattributed for good: lifting the rule would name
 * the authors of earlier posts and show who was in the room. It can be lifted only before anyone has spoken.
 */
async function refuseToLiftChathamHouse(tx: Client, dialogueId: string) {
  const [posts, documents] = await Promise.all([
    tx.dialoguePost.count({ where: { thread: { dialogueId } } }),
    tx.dialogueDocument.count({ where: { dialogueId } }),
  ]);
  if (posts + documents > 0) {
    throw new AppError("CONFLICT", "chatham_house_locked", { chathamHouse: { key: "chatham_house_locked" } });
  }
}

/** The same rule as `dialogue.see`, as a query: own dialogues, plus listed private ones for approved partners. */
function visibleWhere(actor: Actor): Prisma.DialogueWhereInput {
  if (actor.kind !== "user") return { id: { in: [] } };
  if (isStaff(actor)) return {};
  const mine: Prisma.DialogueWhereInput = { members: { some: { userId: actor.id } } };
  const approved = actor.memberships.some((m) => m.partnerStatus === "APPROVED");
  return approved ? { OR: [mine, { visibility: "PRIVATE" }] } : mine;
}

export interface DialogueFilter {
  /** Only dialogues the actor belongs to. */
  mine?: boolean;
}

export async function listDialogues(actor: Actor, filter: DialogueFilter = {}, page?: PageArgs) {
  const user = requireUser(actor);
  const where: Prisma.DialogueWhereInput = {
    AND: [visibleWhere(user), filter.mine ? { members: { some: { userId: user.id } } } : {}],
  };
  const result = await paginate(
    page,
    (q) => prisma().dialogue.findMany({ where, include: dialogueInclude(user), orderBy: [{ createdAt: "desc" }, { id: "asc" }], ...q }),
    () => prisma().dialogue.count({ where }),
  );
  const edges = result.edges.map((e) => ({ ...e, node: toView(e.node) }));
  return { ...result, edges, nodes: edges.map((e) => e.node) };
}

export const getDialogue = (actor: Actor, id: string) => visibleDialogue(actor, id);

/**
 * Members with name and institutions; the list is empty for whoever may not see it (under Chatham House, the
 * members themselves). Email addresses only for those who manage membership.
 */
export async function listDialogueMembers(actor: Actor, dialogue: DialogueView & { id: string }) {
  return (await listDialogueMembersOf(actor, [dialogue])).get(dialogue.id) ?? [];
}

/** The same for a page of dialogues, in one query (GraphQL batches a list's `members` fields into this). */
export async function listDialogueMembersOf(actor: Actor, dialogues: readonly (DialogueView & { id: string })[]) {
  const allowed = dialogues.filter((dialogue) => can(actor, { do: "dialogue.viewMembers", dialogue }));
  const managed = new Set(allowed.filter((dialogue) => can(actor, { do: "dialogue.manageMembers", dialogue })).map((d) => d.id));
  const rows = allowed.length
    ? await prisma().dialogueMember.findMany({
        where: { dialogueId: { in: allowed.map((d) => d.id) } },
        include: { user: { select: { name: true, email: true, memberships: { select: { partner: { select: { name: true } } } } } } },
        orderBy: [{ role: "asc" }, { createdAt: "asc" }, { id: "asc" }],
      })
    : [];
  const byDialogue = new Map(dialogues.map((d) => [d.id, [] as MemberView[]]));
  for (const m of rows) {
    byDialogue.get(m.dialogueId)!.push({
      id: m.id,
      userId: m.userId,
      role: m.role,
      joinedAt: m.createdAt,
      name: m.user.name,
      affiliation: m.user.memberships.map((p) => p.partner.name),
      email: managed.has(m.dialogueId) ? m.user.email : null,
    });
  }
  return byDialogue;
}
interface MemberView {
  id: string;
  userId: string;
  role: "FACILITATOR" | "MEMBER";
  joinedAt: Date;
  name: string;
  affiliation: string[];
  email: string | null;
}
export type DialogueMemberView = MemberView;

/** Open invitations, for those who manage membership. */
export async function listDialogueInvitations(actor: Actor, dialogue: DialogueView & { id: string }, now = new Date()) {
  if (!can(actor, { do: "dialogue.manageMembers", dialogue })) return [];
  const open = await prisma().dialogueInvitation.findMany({
    where: { dialogueId: dialogue.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
    select: { id: true, email: true, role: true, createdAt: true, expiresAt: true, partnerId: true },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
  });
  const partnerIds = [...new Set(open.flatMap((i) => (i.partnerId ? [i.partnerId] : [])))];
  const names = new Map(
    partnerIds.length ? (await prisma().partner.findMany({ where: { id: { in: partnerIds } }, select: { id: true, name: true } })).map((p) => [p.id, p.name]) : [],
  );
  return open.map((i) => shownInvitation(actor, i, i.partnerId ? (names.get(i.partnerId) ?? null) : null));
}
