import crypto from "node:crypto";
import type { DNSResolver } from "mailauth";
import { simpleParser, type ParsedMail } from "mailparser";
import { enqueueEmails } from "../../../../emails/outbox.ts";
import { replyFilesRefusedEmail, replyRefusedEmail, type RefusalReason } from "../../../../emails/templates/dialogue-replies.tsx";
import { errorMessages } from "../../../i18n/errors.ts";
import { fromDbLanguage, translator, type Lang } from "../../../i18n/index.ts";
import { prisma } from "../../../utils/db.server.ts";
import { env } from "../../../utils/env.server.ts";
import { recordAudit } from "../../audit.server.ts";
import { AppError } from "../../errors.ts";
import { ANONYMOUS, type Actor, type SignedInActor } from "../../policy.server.ts";
import { hit, LIMITS } from "../../rate-limit.server.ts";
import { loadActor } from "../../users.server.ts";
import { uploadDialogueDocument } from "../document-files.server.ts";
import { postInThread } from "../threads.server.ts";
import { attachmentsOf, automaticKind, recipientsOf, senderOf, type Envelope } from "./inbound-message.ts";
import { decodeReplyToken, isExpired, tokenOfAddress, type ReplyClaims } from "./reply-address.server.ts";
import { replyText } from "./reply-text.ts";
import { checkSender } from "./sender-auth.server.ts";

export type InboundRoute = "smtp" | "webhook";
export interface InboundOptions {
  route: InboundRoute;
  envelope?: Envelope;
  /** DNS for DKIM keys (tests answer with their own key); default: the system's. */
  resolver?: DNSResolver;
}
export type InboundResult =
  | { status: "posted"; postId: string; documents: number; refusedFiles: number }
  | { status: "refused"; reason: RefusalReason; answered: boolean }
  | { status: "ignored"; reason: string };

export { MAX_INBOUND_BYTES } from "../../../http/limits.ts";

const threadUrl = (dialogueId: string, threadId: string) => `${env().APP_URL}/dialogues/${dialogueId}/threads/${threadId}`;
const digest = (value: string | Buffer) => crypto.createHash("sha256").update(value).digest("hex").slice(0, 32);

/** The reply token this message was sent to, if any: only a genuine one (a forged or garbled address is nobody's). */
export function replyClaimsFor(addresses: string[]): ReplyClaims | null {
  for (const a of addresses) {
    const token = tokenOfAddress(a);
    const claims = token ? decodeReplyToken(token) : null;
    if (claims) return claims;
  }
  return null;
}

/**
 * One message from either inbound route (ADR 0052). A reply to a dialogue notice becomes a post by that member in
 * that thread through `postInThread` — the web's use case, so its policy and limits apply unchanged — and its files
 * become documents through `uploadDialogueDocument`. Anything refused gets an answer in the person's language at
 * the address the hub knows for them (never at the message's sender, which may be forged), at most
 * `LIMITS.dialogueReplyRefusal` an hour; automatic mail is dropped without an answer. Every outcome is audited.
 */
export async function receiveInboundEmail(raw: Buffer, opts: InboundOptions): Promise<InboundResult> {
  const mail = await simpleParser(raw, { skipImageLinks: true });
  const envelope = opts.envelope ?? {};
  const mailId = digest(mail.messageId ?? raw);
  const audit = (action: string, actor: Actor, data: Record<string, unknown>) =>
    recordAudit(prisma(), actor, action, { type: "InboundEmail", id: mailId }, { route: opts.route, ...data } as never);

  const automatic = automaticKind(mail, envelope);
  if (automatic) {
    await audit("dialogue.emailReplyIgnored", ANONYMOUS, { reason: automatic });
    return { status: "ignored", reason: automatic };
  }
  const claims = replyClaimsFor(recipientsOf(mail, envelope));
  if (!claims) {
    await audit("dialogue.emailReplyIgnored", ANONYMOUS, { reason: "no_reply_address" });
    return { status: "ignored", reason: "no_reply_address" };
  }
  const user = await prisma().user.findUnique({ where: { replyRef: claims.userRef } });
  if (!user) {
    await audit("dialogue.emailReplyIgnored", ANONYMOUS, { reason: "unknown_person" });
    return { status: "ignored", reason: "unknown_person" };
  }
  // A relay that retries after a lost acknowledgement delivers the same message again: act on it once.
  const marker = `inbound-reply:${mailId}`;
  const seen = await prisma().emailEventSeen.createMany({ data: [{ eventId: marker }], skipDuplicates: true });
  if (seen.count === 0) return { status: "ignored", reason: "duplicate" };
  try {
    return await answerReply(raw, mail, opts, mailId, user, claims);
  } catch (error) {
    // Not handled (the database went away…): the relay or provider retries, and the retry must not be a duplicate.
    await prisma().emailEventSeen.deleteMany({ where: { eventId: marker } }).catch(() => {});
    throw error;
  }
}

type Person = NonNullable<Awaited<ReturnType<ReturnType<typeof prisma>["user"]["findUnique"]>>>;

async function answerReply(raw: Buffer, mail: ParsedMail, opts: InboundOptions, mailId: string, user: Person, claims: ReplyClaims): Promise<InboundResult> {

  const lang: Lang = fromDbLanguage(user.language) ?? "en";
  const member = await prisma().dialogueMember.findUnique({ where: { replyRef: claims.memberRef }, include: { dialogue: true } });
  const thread = await prisma().dialogueThread.findUnique({ where: { replyRef: claims.threadRef } });
  const inDialogue = member && member.userId === user.id && thread && thread.dialogueId === member.dialogueId ? member.dialogue : null;
  const dialogueId = inDialogue?.id ?? thread?.dialogueId ?? null;
  // Under Chatham House the trail does not name who wrote (ADR 0036); a refusal is named only outside it.
  const chatham = (inDialogue ?? (dialogueId ? await prisma().dialogue.findUnique({ where: { id: dialogueId } }) : null))?.chathamHouse ?? true;
  const actorOfTrail = (actor: SignedInActor) => (chatham ? ANONYMOUS : actor);

  const refuse = async (reason: RefusalReason, vars?: Record<string, string>): Promise<InboundResult> => {
    const answered = (await hit(`dialogue-reply-refusal:${user.id}`, LIMITS.dialogueReplyRefusal.perPerson)).allowed;
    // Read before the transaction: on the embedded database a query outside an open transaction waits for it.
    const actor = (await loadActor(user.id)) ?? ANONYMOUS;
    await prisma().$transaction(async (tx) => {
      if (answered) {
        const url = reason !== "not_member" && thread && inDialogue ? threadUrl(thread.dialogueId, thread.id) : null;
        const rendered = replyRefusedEmail(lang, { reason, subject: mail.subject ?? "", vars, threadUrl: url });
        const headers: Record<string, string> = { "Auto-Submitted": "auto-replied" };
        if (mail.messageId && /^<[^<>\s]{1,250}>$/.test(mail.messageId)) headers["In-Reply-To"] = mail.messageId;
        await enqueueEmails(tx, [{ key: `dialogue-reply-refused:${mailId}`, to: user.email, ...rendered, headers }]);
      }
      await recordAudit(tx, actor.kind === "user" ? actorOfTrail(actor) : ANONYMOUS, "dialogue.emailReplyRefused", { type: "InboundEmail", id: mailId }, {
        route: opts.route,
        reason,
        answered,
        ...(dialogueId ? { dialogueId } : {}),
      });
    });
    return { status: "refused", reason, answered };
  };

  const sender = senderOf(mail);
  if (sender !== user.email.toLowerCase()) return refuse("sender_mismatch", { sender: sender ?? "?" });
  const auth = await checkSender(raw, mail.headerLines, opts.resolver);
  if (!auth.ok) return refuse("unauthenticated", { check: auth.failed.toUpperCase() });
  if ((user.replyKeyVersion & 255) !== claims.keyVersion) return refuse("revoked");
  if (isExpired(claims)) return refuse("expired");
  if (!inDialogue || !thread) return refuse("not_member");
  if (inDialogue.closedAt) return refuse("closed");

  const actor = await loadActor(user.id);
  if (!actor) return { status: "ignored", reason: "unknown_person" };
  const body = replyText(mail.text ?? "");
  const files = attachmentsOf(mail);
  if (!body && !files.length) return refuse("empty");

  let postId: string | null = null;
  try {
    if (body) postId = (await postInThread(actor, thread.id, { body, attributable: false })).id;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.code === "RATE_LIMITED") return refuse("rate_limited");
    if (error.code === "NOT_FOUND" || error.code === "FORBIDDEN") {
      const now = await prisma().dialogue.findUnique({ where: { id: inDialogue.id }, select: { closedAt: true } });
      return refuse(now?.closedAt ? "closed" : "not_member");
    }
    return refuse("invalid", { message: messageOf(error, lang) });
  }

  const refusedFiles: { name: string; message: string }[] = [];
  let documents = 0;
  for (const f of files) {
    try {
      await uploadDialogueDocument(actor, inDialogue.id, new File([new Uint8Array(f.content)], f.name, { type: f.contentType }));
      documents++;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      refusedFiles.push({ name: f.name, message: messageOf(error, lang) });
    }
  }
  if (!postId && !documents) return refuse("invalid", { message: refusedFiles.map((f) => `${f.name}: ${f.message}`).join(" ") });

  await prisma().$transaction(async (tx) => {
    if (refusedFiles.length) {
      const rendered = replyFilesRefusedEmail(lang, { files: refusedFiles, threadUrl: threadUrl(inDialogue.id, thread.id) });
      await enqueueEmails(tx, [{ key: `dialogue-reply-files:${mailId}`, to: user.email, ...rendered, headers: { "Auto-Submitted": "auto-replied" } }]);
    }
    await recordAudit(tx, actorOfTrail(actor), "dialogue.emailReplyAccepted", postId ? { type: "DialoguePost", id: postId } : { type: "InboundEmail", id: mailId }, {
      route: opts.route,
      dialogueId: inDialogue.id,
      threadId: thread.id,
      documents,
      refusedFiles: refusedFiles.length,
      checked: auth.checked,
    });
  });
  return { status: "posted", postId: postId ?? "", documents, refusedFiles: refusedFiles.length };
}

/** A use case's refusal as the person reads it: the field's message when there is one. */
function messageOf(error: AppError, lang: Lang) {
  const t = translator(errorMessages, lang);
  const field = error.fields ? Object.values(error.fields)[0] : undefined;
  return field ? t(field.key, field.vars) : t(error.key, error.vars);
}
