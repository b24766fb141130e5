import type { DialogueNotify, SuppressionReason } from "../../generated/prisma/client.ts";
import { fromDbLanguage, type Lang } from "../../i18n/index.ts";
import { prisma, type Client } from "../../utils/db.server.ts";
import { notFound } from "../errors.ts";
import { authorize, requireUser, type Actor } from "../policy.server.ts";
import { isGlobalReason, readDialogueStreamToken } from "../subscriptions/streams.server.ts";
import { suppressionKey } from "../subscriptions/suppression.server.ts";
import { pickText } from "./access.server.ts";

/**
 * A dialogue's mail stream as its unsubscribe link shows it (ADR 0047): whose, which dialogue, on or off. The
 * link came in a mail to that member, which already named the dialogue.
 */
export interface DialogueStreamView {
  kind: "DIALOGUE";
  email: string;
  dialogueId: string;
  dialogueTitle: string;
  language: Lang;
  active: boolean;
}

async function loadMember(db: Client, token: string) {
  const memberId = readDialogueStreamToken(token);
  const member = memberId
    ? await db.dialogueMember.findUnique({
        where: { id: memberId },
        include: { user: { select: { email: true, language: true } }, dialogue: { select: { id: true, translations: true } } },
      })
    : null;
  if (!member) throw notFound();
  return member;
}

function viewOf(member: Awaited<ReturnType<typeof loadMember>>, notify = member.notify): DialogueStreamView {
  const language = fromDbLanguage(member.user.language) ?? "en";
  return {
    kind: "DIALOGUE",
    email: member.user.email,
    dialogueId: member.dialogue.id,
    dialogueTitle: pickText(member.dialogue, language).title,
    language,
    active: notify !== "NEVER",
  };
}

/** The unsubscribe page's read: no sign-in, the key in the link is the authority; viewing changes nothing. */
export async function dialogueStreamForToken(token: string): Promise<DialogueStreamView> {
  return viewOf(await loadMember(prisma(), token));
}

/**
 * Stops one dialogue's mail to one member (notices, digests, outcome notes): the membership's notify becomes NEVER,
 * the choice the member can also make on the dialogue page. Nothing else changes: not the publications stream,
 * not another dialogue, not calendar invites. Idempotent, and it can never turn the mail back on.
 */
export async function unsubscribeFromDialogue(token: string, now = new Date()): Promise<DialogueStreamView> {
  return prisma().$transaction(async (tx) => {
    const member = await loadMember(tx, token);
    if (member.notify !== "NEVER") await tx.dialogueMember.update({ where: { id: member.id }, data: { notify: "NEVER", notifiedUntil: now } });
    return viewOf(member, "NEVER");
  });
}

/** Every stream of bulk mail a signed-in person gets, with its state: the account page's preference centre. */
export interface MyMailStreams {
  /** A bounce, complaint or staff entry: every stream is stopped until a confirmed opt-in (or staff) lifts it. */
  blocked: Exclude<SuppressionReason, "UNSUBSCRIBED"> | null;
  publications: { active: boolean; digest: boolean };
  dialogues: { id: string; title: string; notify: DialogueNotify }[];
}

export async function myMailStreams(actor: Actor, lang: Lang): Promise<MyMailStreams> {
  authorize(actor, { do: "account.manage" });
  const me = requireUser(actor);
  const [entry, digest, memberships] = await Promise.all([
    prisma().suppressionEntry.findUnique({ where: { addressHash: suppressionKey(me.email) }, select: { reason: true } }),
    prisma().userDigestPreference.findUnique({ where: { userId: me.id }, select: { enabled: true } }),
    prisma().dialogueMember.findMany({
      where: { userId: me.id },
      select: { notify: true, dialogue: { select: { id: true, translations: true } } },
      orderBy: { createdAt: "desc" },
      take: 100,
    }),
  ]);
  return {
    blocked: entry && entry.reason !== "UNSUBSCRIBED" && isGlobalReason(entry.reason) ? entry.reason : null,
    publications: { active: !entry, digest: Boolean(digest?.enabled) },
    dialogues: memberships.map((m) => ({ id: m.dialogue.id, title: pickText(m.dialogue, lang).title, notify: m.notify })),
  };
}
