import type { DialogueDocument } from "../../generated/prisma/client.ts";
import type { PageArgs } from "../../schemas/page.ts";
import { prisma, type Client } from "../../utils/db.server.ts";
import { notFound } from "../errors.ts";
import { paginate } from "../pagination.server.ts";
import { can, type Actor } from "../policy.server.ts";
import { readableDialogue, type DialogueView } from "./access.server.ts";

/**
 * A document as this reader may see it. The storage key never leaves this module; the uploader is named only where
 * the policy allows (never under Chatham House — the reader's own uploads say "you").
 */
export interface DocumentView {
  id: string;
  dialogueId: string;
  sessionId: string | null;
  fileName: string;
  size: number;
  contentType: string;
  createdAt: Date;
  isMine: boolean;
  uploader: { name: string; affiliation: string[] } | null;
  downloadPath: string;
}

type Uploader = { id: string; name: string; memberships: { partner: { name: string } }[] };

export const downloadPath = (d: { dialogueId: string; id: string }) => `/dialogues/${d.dialogueId}/files/${d.id}`;

/** Uploaders in one query for a page of documents (not a relation: see schema.prisma). */
async function uploadersOf(rows: DialogueDocument[], named: boolean, db: Client = prisma()) {
  const ids = named ? [...new Set(rows.map((r) => r.uploaderId).filter((id): id is string => !!id))] : [];
  const users = ids.length
    ? await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, memberships: { select: { partner: { select: { name: true } } } } } })
    : [];
  return new Map<string, Uploader>(users.map((u) => [u.id, u]));
}

function toView(actor: Actor, row: DialogueDocument, uploaders: Map<string, Uploader>): DocumentView {
  const u = row.uploaderId ? uploaders.get(row.uploaderId) : undefined;
  return {
    id: row.id,
    dialogueId: row.dialogueId,
    sessionId: row.sessionId,
    fileName: row.fileName,
    size: row.size,
    contentType: row.contentType,
    createdAt: row.createdAt,
    isMine: actor.kind === "user" && row.uploaderId === actor.id,
    uploader: u ? { name: u.name, affiliation: u.memberships.map((m) => m.partner.name) } : null,
    downloadPath: downloadPath(row),
  };
}

export async function documentViews(actor: Actor, dialogue: DialogueView, rows: DialogueDocument[]) {
  const uploaders = await uploadersOf(rows, can(actor, { do: "dialogue.viewUploader", dialogue }));
  return rows.map((r) => toView(actor, r, uploaders));
}

/** Shared documents, newest first; removed ones are gone from the list. Empty for whoever may not read the dialogue. */
export async function listDocuments(actor: Actor, dialogue: DialogueView & { id: string }, page?: PageArgs) {
  const where = can(actor, { do: "dialogue.read", dialogue }) ? { dialogueId: dialogue.id, removedAt: null } : { id: { in: [] } };
  const result = await paginate(
    page,
    (q) => prisma().dialogueDocument.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "asc" }], ...q }),
    () => prisma().dialogueDocument.count({ where }),
  );
  const views = await documentViews(actor, dialogue, result.edges.map((e) => e.node));
  const edges = result.edges.map((e, i) => ({ ...e, node: views[i] }));
  return { ...result, edges, nodes: views };
}

/** Documents attached to a session's outcome note. */
export async function sessionDocuments(actor: Actor, session: { id: string; dialogue: DialogueView }) {
  if (!can(actor, { do: "dialogue.read", dialogue: session.dialogue })) return [];
  const rows = await prisma().dialogueDocument.findMany({ where: { sessionId: session.id, removedAt: null }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
  return documentViews(actor, session.dialogue, rows);
}

/**
 * The document row behind `/dialogues/<id>/files/<fileId>` (null: any dialogue, for the API), or NOT_FOUND — the same for a missing id, another
 * dialogue's id, a removed document and a reader the policy refuses (a removed member included).
 */
export async function readableDocument(actor: Actor, dialogueId: string | null, documentId: string, db: Client = prisma()) {
  const row = actor.kind === "user" ? await db.dialogueDocument.findUnique({ where: { id: documentId } }) : null;
  if (!row || (dialogueId !== null && row.dialogueId !== dialogueId) || row.removedAt) throw notFound();
  const dialogue = await readableDialogue(actor, row.dialogueId, db);
  return { row, dialogue };
}

/** What pages show of a document: the uploader as one line, or null (Chatham House, or unknown). */
export const documentRows = (views: DocumentView[]) =>
  views.map((f) => ({
    id: f.id,
    fileName: f.fileName,
    size: f.size,
    createdAt: f.createdAt.toISOString(),
    href: f.downloadPath,
    isMine: f.isMine,
    uploader: f.uploader ? `${f.uploader.name}${f.uploader.affiliation.length ? ` (${f.uploader.affiliation.join(", ")})` : ""}` : null,
  }));
