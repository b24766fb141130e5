import crypto from "node:crypto";
import nodemailer from "nodemailer";
import type Mail from "nodemailer/lib/mailer";
import { afterAll, beforeAll } from "vitest";
import { startInboundSmtp } from "../../app/services/dialogues/replies/inbound-smtp.server.ts";
import { setDialogueNotifications } from "../../app/services/dialogues/notifications.server.ts";
import { listPosts, readableThread } from "../../app/services/dialogues/threads.server.ts";
import type { SignedInActor } from "../../app/services/policy.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { resetEnv } from "../../app/utils/env.server.ts";
import { generateDkimKey } from "../../emails/dkim-keygen.ts";
import { deliverDue } from "../../emails/worker.ts";
import { startSmtpSink, type ReceivedMail } from "../helpers/smtp-sink.ts";
import { joinDialogue } from "./factories.ts";

export const REPLY_DOMAIN = "reply.genmig.test";
/** A sender domain whose DKIM key the test DNS publishes. */
export const senderKey = generateDkimKey({ selector: "s1", domain: "partner.example.org" });
export const resolver = async (name: string, type: string) => {
  if (type === "TXT" && name === "s1._domainkey.partner.example.org") return [[senderKey.txtValue]];
  throw Object.assign(new Error(`no ${type} record for ${name}`), { code: "ENOTFOUND" });
};

/**
 * For a file about replies by email: a real SMTP sink for what the hub sends, the hub's own SMTP receiver for what
 * people send back (on a free port, with the test DNS), and REPLY_DOMAIN set; all undone after the file.
 */
export function useReplyMail() {
  const ctx = {} as { sink: Awaited<ReturnType<typeof startSmtpSink>>; inbound: Awaited<ReturnType<typeof startInboundSmtp>> };
  beforeAll(async () => {
    process.env.REPLY_DOMAIN = REPLY_DOMAIN;
    process.env.EMAIL_WEBHOOK_SECRET = WEBHOOK_SECRET;
    ctx.sink = await startSmtpSink();
    ctx.inbound = await startInboundSmtp({ port: 0, host: "127.0.0.1", resolver });
  });
  afterAll(async () => {
    delete process.env.REPLY_DOMAIN;
    delete process.env.EMAIL_WEBHOOK_SECRET;
    resetEnv();
    await ctx.inbound.stop();
    await ctx.sink.stop();
  });
  return ctx;
}
export const WEBHOOK_SECRET = "inbound-webhook-secret-0123456789";

/** Delivers everything queued over real SMTP and returns what arrived. */
export async function drain(sink: Awaited<ReturnType<typeof startSmtpSink>>): Promise<ReceivedMail[]> {
  const before = sink.received.length;
  const r = await deliverDue({ workerId: "reply-test" });
  return (await sink.waitFor(before + r.sent)).slice(before);
}

/** A member who hears about every post at once, in a language. */
export async function eagerMember(dialogueId: string, staff: SignedInActor, email: string, language: "EN" | "FR" | "ES") {
  const member = await joinDialogue(dialogueId, staff, email);
  await prisma().user.update({ where: { id: member.id }, data: { language } });
  await setDialogueNotifications(member, dialogueId, "IMMEDIATE");
  return member;
}

export const replyToOf = (mail: ReceivedMail) => {
  const v = mail.parsed.replyTo?.value[0]?.address;
  if (!v) throw new Error(`no Reply-To in "${mail.parsed.subject}"`);
  return v;
};

/** Sends a message to the hub's receiver as a mail client would, over SMTP. */
export async function sendReply(port: number, message: Mail.Options & { envelopeFrom?: string }) {
  const transport = nodemailer.createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true });
  const { envelopeFrom, ...mail } = message;
  const envelope = envelopeFrom !== undefined ? { from: envelopeFrom, to: [String(mail.to)] } : undefined;
  try {
    return await transport.sendMail({ messageId: `<${crypto.randomUUID()}@mail.example.org>`, ...mail, ...(envelope ? { envelope } : {}) });
  } finally {
    transport.close();
  }
}

/** The thread's posts as `reader` sees them, oldest first. */
export async function postsSeenBy(reader: SignedInActor, threadId: string) {
  const thread = await readableThread(reader, threadId);
  return (await listPosts(reader, thread, { first: 100 })).nodes;
}
