import crypto from "node:crypto";
import nodemailer from "nodemailer";
import type Mail from "nodemailer/lib/mailer";
import { describe, expect, it } from "vitest";
import { handleRequest } from "../../app/http/handler.server.ts";
import { startThread } from "../../app/services/dialogues/threads.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { makeUser } from "../factories.ts";
import { makeDialogue } from "./factories.ts";
import { drain, eagerMember, postsSeenBy, replyToOf, useReplyMail, WEBHOOK_SECRET } from "./reply-helpers.ts";
import { REPLY_SAMPLES } from "./reply-samples.ts";

// POST /webhooks/inbound-email: a provider's inbound parse posts the raw message, authenticated like the
// email-events webhook (ADR 0044, 0052). The notice still goes out over real SMTP; the answer comes back over HTTP.
const mail = useReplyMail();

const post = (body: Buffer, auth: Record<string, string>) =>
  handleRequest(
    new Request("http://hub.test/webhooks/inbound-email", { method: "POST", headers: { host: "hub.test", "content-type": "message/rfc822", ...auth }, body: new Uint8Array(body) }),
    { ip: "192.0.2.45" },
  );
const sign = (body: Buffer) => ({ "x-signature": `sha256=${crypto.createHmac("sha256", WEBHOOK_SECRET).update(body).digest("hex")}` });

async function compose(options: Mail.Options) {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true });
  return (await composer.sendMail({ messageId: `<${crypto.randomUUID()}@mail.example.org>`, ...options })).message as Buffer;
}

describe("inbound-email webhook", () => {
  it("is refused without the secret or with a wrong signature, and posts a Thunderbird (FR) reply with it", async () => {
    const staff = await makeUser({ role: "STAFF" });
    const d = await makeDialogue(staff);
    const member = await eagerMember(d.id, staff, `webhook-${Date.now()}@partner.example.org`, "FR");
    await drain(mail.sink);
    const thread = await startThread(staff, d.id, { title: "Visas saisonniers", body: "Le quota double." });
    const address = replyToOf((await drain(mail.sink)).find((m) => m.to === member.email)!);
    const raw = await compose({ from: member.email, to: address, subject: "Re: Nouveau message", text: REPLY_SAMPLES.thunderbirdFr.text });

    for (const auth of [{} as Record<string, string>, { authorization: "Bearer wrong-secret-0123456789abcdef" }, { "x-signature": `sha256=${"0".repeat(64)}` }]) {
      const refused = await post(raw, auth);
      expect(refused.status).toBe(401);
    }
    expect(await prisma().dialoguePost.count({ where: { threadId: thread.id } })).toBe(1);

    const ok = await post(raw, sign(raw));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true, status: "posted", documents: 0 });
    expect((await postsSeenBy(staff, thread.id)).map((p) => p.body)).toEqual(["Le quota double.", REPLY_SAMPLES.thunderbirdFr.own]);

    // The provider retries the same call: nothing more is posted.
    const again = await post(raw, { authorization: `Bearer ${WEBHOOK_SECRET}` });
    expect(await again.json()).toMatchObject({ status: "ignored", reason: "duplicate" });

    // An Outlook (EN) reply by the Bearer route, then a body that is no message at all.
    const outlook = await compose({ from: member.email, to: address, subject: "RE: New post", text: REPLY_SAMPLES.outlookEnOriginal.text });
    expect(await (await post(outlook, { authorization: `Bearer ${WEBHOOK_SECRET}` })).json()).toMatchObject({ status: "posted" });
    expect((await postsSeenBy(staff, thread.id)).at(-1)?.body).toBe(REPLY_SAMPLES.outlookEnOriginal.own);
    expect((await post(Buffer.from("\u0001\u0002"), { authorization: `Bearer ${WEBHOOK_SECRET}` })).status).toBe(400);
  });
});
