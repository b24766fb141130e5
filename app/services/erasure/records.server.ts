import type { Prisma } from "../../generated/prisma/client.ts";
import type { Client } from "../../utils/db.server.ts";
import { ERASED, mentions, scrubJson, scrubText, type Needles } from "./scrub.ts";

/**
 * Columns that name a person by id without a foreign key (so nothing cascades): who created, invited, wrote or
 * acted. They become null, as a deleted account's own relations do (SetNull).
 */
const ID_COLUMNS: [table: string, column: string][] = [
  ["Webinar", "createdById"],
  ["Dialogue", "createdById"],
  ["DialogueThread", "createdById"],
  ["DialogueSession", "createdById"],
  ["Publication", "createdById"],
  ["BulkSend", "createdById"],
  ["PartnerInvitation", "invitedById"],
  ["DialogueInvitation", "invitedById"],
  ["StaffNote", "authorId"],
  ["RequestMessage", "authorId"],
  ["SupportRequestStatusChange", "actorId"],
  ["DialogueDocument", "removedById"],
];

/** Records that stay (a dialogue's, an institution's, the audit log) lose the person; returns file keys to delete. */
export async function eraseRecords(tx: Client, n: Needles) {
  const removedFiles = n.id ? await eraseContributions(tx, n, n.id) : [];
  if (n.id) for (const [table, column] of ID_COLUMNS) await tx.$executeRawUnsafe(`UPDATE "${table}" SET "${column}" = NULL WHERE "${column}" = $1`, n.id);
  await eraseFocalPoint(tx, n);
  await eraseRequestTexts(tx, n);
  await eraseAuditMentions(tx, n);
  await tx.$executeRaw`DELETE FROM "RateLimitCounter" WHERE position(${n.email} in lower(bucket)) > 0 OR position(${n.id ?? n.email} in bucket) > 0`;
  return { removedFiles };
}

/**
 * Posts stay, by a "former member" (the author relation is nulled with the account); their earlier versions go,
 * being the person's words as they chose not to keep them. Files under Chatham House stay unattributed (the
 * dialogue's record, already anonymous to members); files elsewhere were shared under the person's name and are
 * removed like any removed document (row kept, bytes deleted).
 */
async function eraseContributions(tx: Client, n: Needles, id: string) {
  await tx.dialoguePostRevision.deleteMany({ where: { post: { authorId: id } } });
  const documents = await tx.dialogueDocument.findMany({ where: { uploaderId: id }, select: { id: true, fileName: true, storageKey: true, removedAt: true, dialogue: { select: { chathamHouse: true } } } });
  const removed: string[] = [];
  const now = new Date();
  for (const d of documents) {
    const fileName = scrubText(d.fileName, n);
    if (d.dialogue.chathamHouse) {
      await tx.dialogueDocument.update({ where: { id: d.id }, data: { uploaderId: null, fileName } });
    } else {
      await tx.dialogueDocument.update({ where: { id: d.id }, data: { uploaderId: null, fileName, removedAt: d.removedAt ?? now } });
      removed.push(d.storageKey);
    }
  }
  return removed;
}

/**
 * An institution's application names its focal point: another focal point of the institution takes the place,
 * or the contact is left empty (staff see "[erased]" and reach the institution's people instead).
 */
async function eraseFocalPoint(tx: Client, n: Needles) {
  const partners = await tx.partner.findMany({ where: { focalPointEmail: { equals: n.email, mode: "insensitive" } }, select: { id: true } });
  for (const p of partners) {
    const next = await tx.membership.findFirst({
      where: { partnerId: p.id, role: "FOCAL_POINT", user: { email: { not: n.email } } },
      orderBy: { createdAt: "asc" },
      select: { user: { select: { name: true, email: true } } },
    });
    await tx.partner.update({ where: { id: p.id }, data: { focalPointName: next?.user.name ?? ERASED, focalPointEmail: next?.user.email ?? "" } });
  }
}

/**
 * A support request belongs to its institution (colleagues follow it, counts include it): it stays, and the
 * person's name, address and id are replaced in its texts and in the staff notes, messages and history of it.
 * Anywhere else in those texts, the address is replaced too.
 */
async function eraseRequestTexts(tx: Client, n: Needles) {
  const mine = n.id ? await tx.supportRequest.findMany({ where: { requesterId: n.id }, select: { id: true } }) : [];
  const mineIds = mine.map((r) => r.id);
  const byAddress = { contains: n.email, mode: "insensitive" as const };
  const requests = await tx.supportRequest.findMany({
    where: { OR: [{ id: { in: mineIds } }, ...(["title", "purpose", "audience", "topic", "needs", "statusReason"] as const).map((f) => ({ [f]: byAddress }))] },
  });
  for (const r of requests) {
    const data: Prisma.SupportRequestUpdateInput = {};
    for (const f of ["title", "purpose", "audience", "topic", "needs", "statusReason"] as const) {
      const v = r[f];
      if (v && mentions(v, n)) data[f] = scrubText(v, n);
    }
    if (Object.keys(data).length) await tx.supportRequest.update({ where: { id: r.id }, data });
  }
  const linked = { OR: [{ requestId: { in: mineIds } }] };
  for (const row of await tx.staffNote.findMany({ where: { OR: [...linked.OR, { body: byAddress }] } })) {
    if (mentions(row.body, n)) await tx.staffNote.update({ where: { id: row.id }, data: { body: scrubText(row.body, n) } });
  }
  for (const row of await tx.requestMessage.findMany({ where: { OR: [...linked.OR, { body: byAddress }] } })) {
    if (mentions(row.body, n)) await tx.requestMessage.update({ where: { id: row.id }, data: { body: scrubText(row.body, n) } });
  }
  for (const row of await tx.supportRequestStatusChange.findMany({ where: { OR: [...linked.OR, { reason: byAddress }] } })) {
    if (row.reason && mentions(row.reason, n)) await tx.supportRequestStatusChange.update({ where: { id: row.id }, data: { reason: scrubText(row.reason, n) } });
  }
}

/**
 * The audit log keeps what happened and drops who it happened to: entries by, about or quoting the person keep
 * their action and time, with the name, address and id replaced (the actor link is nulled with the account).
 */
async function eraseAuditMentions(tx: Client, n: Needles) {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM "AuditEntry"
    WHERE (${n.id}::text IS NOT NULL AND ("actorId" = ${n.id} OR "targetId" = ${n.id} OR position(${n.id ?? ""} in data::text) > 0))
       OR position(${n.email} in lower(data::text)) > 0`;
  for (const { id } of rows) {
    const entry = await tx.auditEntry.findUniqueOrThrow({ where: { id } });
    await tx.auditEntry.update({
      where: { id },
      data: {
        targetId: entry.targetId === n.id ? "erased" : entry.targetId,
        data: entry.data === null ? undefined : (scrubJson(entry.data, n) as Prisma.InputJsonValue),
      },
    });
  }
}
