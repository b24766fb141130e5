import { describe, expect, it } from "vitest";
import { setDialogueClosed } from "../../app/services/dialogues/dialogues.server.ts";
import { removeDialogueMember } from "../../app/services/dialogues/membership.server.ts";
import { runDialogueDigests, setDialogueNotifications } from "../../app/services/dialogues/notifications.server.ts";
import { decodeReplyToken, encodeReplyToken, revokeReplyAddresses } from "../../app/services/dialogues/replies/reply-address.server.ts";
import { listDocuments } from "../../app/services/dialogues/documents.server.ts";
import { postInThread, startThread } from "../../app/services/dialogues/threads.server.ts";
import { postBuckets } from "../../app/services/dialogues/contribution-limits.server.ts";
import { hit, LIMITS } from "../../app/services/rate-limit.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { makeUser } from "../factories.ts";
import { samplePdf } from "../helpers/documents.ts";
import { makeDialogue } from "./factories.ts";
import { drain, eagerMember, postsSeenBy, replyToOf, REPLY_DOMAIN, sendReply, senderKey, useReplyMail } from "./reply-helpers.ts";
import { REPLY_SAMPLES } from "./reply-samples.ts";

// Replies by email into dialogues (ADR 0052), end to end over real SMTP: the hub mails a notice with a Reply-To
// address, the member's client answers it to the hub's own SMTP receiver, and the post (or the refusal) follows.
const mail = useReplyMail();
let n = 0;

/** A dialogue, a staff facilitator, members in three languages who get every post at once, and one thread. */
async function setting(opts: { chathamHouse?: boolean } = {}) {
  const tag = `r${++n}-${Date.now().toString(36)}`;
  const staff = await makeUser({ role: "STAFF", name: "Stella Staff" });
  const d = await makeDialogue(staff, { title: "Care corridors", chathamHouse: opts.chathamHouse });
  const en = await eagerMember(d.id, staff, `ana-${tag}@partner.example.org`, "EN");
  const fr = await eagerMember(d.id, staff, `marie-${tag}@partner.example.org`, "FR");
  const es = await eagerMember(d.id, staff, `lucia-${tag}@partner.example.org`, "ES");
  await drain(mail.sink); // the invitations
  const thread = await startThread(staff, d.id, { title: "Seasonal visas", body: "The quota doubles next year." });
  const notices = await drain(mail.sink);
  const address = (who: { email: string }) => replyToOf(notices.find((m) => m.to === who.email)!);
  return { staff, d, en, fr, es, thread, notices, address };
}

const refusalsTo = (email: string, since: number) => mail.sink.received.slice(since).filter((m) => m.to === email);

describe("replies by email over real SMTP", () => {
  it("each notice names a per-person, per-thread signed reply address that fits a local part", async () => {
    const s = await setting();
    expect(s.notices.map((m) => m.to).sort()).toEqual([s.en.email, s.fr.email, s.es.email].sort());
    const addresses = [s.en, s.fr, s.es].map(s.address);
    expect(new Set(addresses).size).toBe(3);
    for (const a of addresses) {
      const [local, domain] = a.split("@");
      expect(domain).toBe(REPLY_DOMAIN);
      expect(local.length).toBeLessThanOrEqual(64);
      expect(decodeReplyToken(local.slice("reply+".length))).not.toBeNull();
    }
    // The text says how to answer; one changed letter is no longer a token.
    expect(s.notices[0].parsed.text).toContain("Reply to this email");
    const token = addresses[0].split("@")[0].slice(6);
    const flipped = token.slice(0, 10) + (token[10] === "a" ? "b" : "a") + token.slice(11);
    expect(decodeReplyToken(flipped)).toBeNull();
    // Relays may change the case of a local part: still the same token.
    expect(decodeReplyToken(token.toUpperCase())).toEqual(decodeReplyToken(token));
  });

  it("a digest names one address per thread, and one covering two threads has no Reply-To", async () => {
    const s = await setting();
    await setDialogueNotifications(s.fr, s.d.id, "DAILY");
    await postInThread(s.staff, s.thread.id, { body: "And the waiting times shorten." });
    await startThread(s.staff, s.d.id, { title: "Remittances", body: "Fees fell." });
    await drain(mail.sink);
    await runDialogueDigests("DAILY", { now: new Date(Date.now() + 86_400_000 + 120_000), force: true });
    const digest = (await drain(mail.sink)).find((m) => m.to === s.fr.email)!;
    const addresses = [...new Set(digest.parsed.text!.match(/reply\+[a-z2-7]{42}@reply\.genmig\.test/g))];
    expect(addresses).toHaveLength(2);
    expect(digest.parsed.text).toContain("Répondre dans ce fil par e-mail");
    expect(digest.parsed.replyTo).toBeUndefined();
    // The first address answers in the first thread of the digest.
    await sendReply(mail.inbound.port, { from: s.fr.email, to: addresses[0], subject: "Re", text: "Réponse au résumé." });
    const threads = await prisma().dialogueThread.findMany({ where: { dialogueId: s.d.id, posts: { some: { body: "Réponse au résumé." } } } });
    const section = digest.parsed.text!.split("## ").find((part) => part.includes(addresses[0]))!;
    expect(threads.map((t) => t.title)).toEqual([section.split("\n")[0]]);
  });

  it("Gmail (EN), Outlook (FR) and Apple Mail (ES) replies are posted without the quote or the signature", async () => {
    const s = await setting();
    const replies = [
      [s.en, REPLY_SAMPLES.gmailEn],
      [s.fr, REPLY_SAMPLES.outlookFr],
      [s.es, REPLY_SAMPLES.appleEs],
    ] as const;
    for (const [who, sample] of replies) {
      await sendReply(mail.inbound.port, { from: who.email, to: s.address(who), subject: "Re: New post", text: sample.text });
    }
    const posts = await postsSeenBy(s.staff, s.thread.id);
    expect(posts.map((p) => p.body)).toEqual(["The quota doubles next year.", ...replies.map(([, sample]) => sample.own)]);
    expect(posts.slice(1).map((p) => p.author?.name)).toEqual([s.en.name, s.fr.name, s.es.name]);
    for (const p of posts) expect(p.body).not.toMatch(/wrote:|Envoyé :|escribió|iPhone|Cordialement/);
    // The others hear about each reply like about any post; nobody gets a refusal.
    const after = await drain(mail.sink);
    expect(after.filter((m) => /not posted|pas été publiée|no se publicó/.test(m.parsed.subject ?? ""))).toEqual([]);
    expect(after.filter((m) => m.to === s.staff.email)).toEqual([]); // staff chose the daily digest
    const accepted = await prisma().auditEntry.count({ where: { action: "dialogue.emailReplyAccepted", data: { path: ["dialogueId"], equals: s.d.id } } });
    expect(accepted).toBe(3);
  });

  it("an HTML-only reply is read as text; Chatham House applies exactly as on the web", async () => {
    const s = await setting({ chathamHouse: true });
    await sendReply(mail.inbound.port, {
      from: s.fr.email,
      to: s.address(s.fr),
      subject: "RE: Nouveau message",
      html: "<div>Nous <b>soutenons</b> la proposition.</div><blockquote>Le quota double.</blockquote>",
    });
    const [, reply] = await postsSeenBy(s.en, s.thread.id);
    expect(reply.body).toMatch(/^Nous \W*soutenons\W* la proposition\.$/i);
    expect(reply.body).not.toContain("quota");
    expect(reply.author).toBeNull();
    expect((await postsSeenBy(s.fr, s.thread.id))[1].isMine).toBe(true);
    // The trail records the reply without naming its author.
    const entry = await prisma().auditEntry.findFirstOrThrow({ where: { action: "dialogue.emailReplyAccepted", targetId: reply.id } });
    expect(entry.actorId).toBeNull();
  });

  it("an attached PDF becomes a dialogue document; a file of another type is refused by the same rules", async () => {
    const s = await setting();
    await sendReply(mail.inbound.port, {
      from: s.en.email,
      to: s.address(s.en),
      subject: "Re: New post",
      text: REPLY_SAMPLES.gmailEnWrapped.text,
      attachments: [
        { filename: "Shelter figures.pdf", content: Buffer.from(samplePdf("Shelter figures")), contentType: "application/pdf" },
        { filename: "tool.exe", content: Buffer.from("MZ\x90\x00 not a document"), contentType: "application/octet-stream" },
      ],
    });
    const docs = await listDocuments(s.staff, s.d, { first: 10 });
    expect(docs.nodes.map((d) => [d.fileName, d.contentType, d.uploader?.name])).toEqual([["Shelter figures.pdf", "application/pdf", s.en.name]]);
    expect((await postsSeenBy(s.staff, s.thread.id)).at(-1)?.body).toBe(REPLY_SAMPLES.gmailEnWrapped.own);
    const note = (await drain(mail.sink)).filter((m) => m.to === s.en.email);
    expect(note.map((m) => m.parsed.subject)).toEqual(["Some files of your reply were not shared on GenMig Hub"]);
    expect(note[0].parsed.text).toContain("tool.exe: Only PDF, Word (DOCX)");
  });

  it("each refusal is answered in the person's language and posts nothing", async () => {
    const s = await setting();
    const other = await eagerMember(s.d.id, s.staff, `omar-${n}@partner.example.org`, "ES");
    const postCount = () => prisma().dialoguePost.count({ where: { threadId: s.thread.id } });
    const before = await postCount();
    const cases: { name: string; who: typeof s.en; prepare?: () => Promise<void>; to?: string; from?: string; headers?: Record<string, string>; expect: RegExp; subject: string }[] = [
      {
        name: "sender does not match",
        who: s.en,
        from: "someone-else@elsewhere.example.org",
        expect: /sent from someone-else@elsewhere\.example\.org, not from the address we know/,
        subject: "Your reply was not posted on GenMig Hub",
      },
      {
        name: "failing DKIM in the relay's Authentication-Results",
        who: s.fr,
        headers: { "Authentication-Results": "mx.relay.example; dkim=fail header.d=partner.example.org; spf=pass smtp.mailfrom=partner.example.org" },
        expect: /échec du contrôle DKIM/,
        subject: "Votre réponse n'a pas été publiée sur GenMig Hub",
      },
      {
        name: "failing SPF in the relay's Authentication-Results",
        who: s.es,
        headers: { "Authentication-Results": "mx.relay.example; spf=fail smtp.mailfrom=partner.example.org" },
        expect: /falló la comprobación SPF/,
        subject: "Su respuesta no se publicó en GenMig Hub",
      },
      {
        name: "expired address",
        who: s.fr,
        to: (() => {
          const a = s.address(s.fr);
          const claims = decodeReplyToken(a.split("@")[0].slice(6))!;
          return `reply+${encodeReplyToken({ ...claims, expiresDay: claims.expiresDay - 400 })}@${REPLY_DOMAIN}`;
        })(),
        expect: /l'adresse de réponse a expiré/,
        subject: "Votre réponse n'a pas été publiée sur GenMig Hub",
      },
    ];
    for (const c of cases) {
      const since = mail.sink.received.length;
      await sendReply(mail.inbound.port, { from: c.from ?? c.who.email, to: c.to ?? s.address(c.who), subject: "Re: New post", text: "Posting this.", headers: c.headers });
      const answers = refusalsTo(c.who.email, since).concat((await drain(mail.sink)).filter((m) => m.to === c.who.email));
      expect(answers.map((m) => m.parsed.subject), c.name).toEqual([c.subject]);
      expect(answers[0].parsed.text, c.name).toMatch(c.expect);
      expect(answers[0].parsed.headers.get("auto-submitted"), c.name).toBe("auto-replied");
      expect(await postCount(), c.name).toBe(before);
    }

    // Revoked: the person withdrew every address they were sent.
    await revokeReplyAddresses(s.en);
    await sendReply(mail.inbound.port, { from: s.en.email, to: s.address(s.en), subject: "Re", text: "After revoking." });
    expect((await drain(mail.sink)).filter((m) => m.to === s.en.email).map((m) => m.parsed.text ?? "").join()).toMatch(/the reply address was withdrawn/);

    // Removed member (leaving works the same: the membership the address names is gone).
    await postInThread(s.staff, s.thread.id, { body: "A second post." });
    const removedAddress = replyToOf((await drain(mail.sink)).filter((m) => m.to === other.email)[0]);
    await removeDialogueMember(s.staff, s.d.id, other.id);
    await drain(mail.sink);
    await sendReply(mail.inbound.port, { from: other.email, to: removedAddress, subject: "Re", text: "Still here?" });
    const removed = (await drain(mail.sink)).filter((m) => m.to === other.email);
    expect(removed.map((m) => m.parsed.subject)).toEqual(["Su respuesta no se publicó en GenMig Hub"]);
    expect(removed[0].parsed.text).toMatch(/ya no es miembro de ese diálogo/);

    // Closed dialogue: the same policy refuses the web and the mail.
    await setDialogueClosed(s.staff, s.d.id, true);
    await expect(postInThread(s.es, s.thread.id, { body: "On the web" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await sendReply(mail.inbound.port, { from: s.es.email, to: s.address(s.es), subject: "Re", text: "By mail" });
    expect((await drain(mail.sink)).filter((m) => m.to === s.es.email).map((m) => m.parsed.text ?? "").join()).toMatch(/el diálogo está cerrado/);

    expect(await postCount()).toBe(before + 1); // only the staff's second post
    const refused = await prisma().auditEntry.findMany({ where: { action: "dialogue.emailReplyRefused", data: { path: ["dialogueId"], equals: s.d.id } } });
    expect(refused.map((e) => (e.data as { reason: string }).reason).sort()).toEqual(
      ["sender_mismatch", "unauthenticated", "unauthenticated", "expired", "revoked", "not_member", "closed"].sort(),
    );
  });

  it("DKIM is checked with mailauth when no relay did: a valid signature posts, a changed body is refused", async () => {
    const s = await setting();
    const dkim = { domainName: "partner.example.org", keySelector: "s1", privateKey: senderKey.privateKeyPem };
    await sendReply(mail.inbound.port, { from: s.en.email, to: s.address(s.en), subject: "Re", text: "Signed and intact.", dkim });
    expect((await postsSeenBy(s.staff, s.thread.id)).at(-1)?.body).toBe("Signed and intact.");

    // A relay that rewrote the body after signing (or a forger): the body hash no longer verifies.
    const composer = (await import("nodemailer")).default.createTransport({ streamTransport: true, buffer: true, dkim });
    const signed = await composer.sendMail({ from: s.en.email, to: s.address(s.en), subject: "Re", text: "Original words.", messageId: `<t-${n}@x>` });
    const tampered = (signed.message as Buffer).toString().replace("Original words.", "Changed words.");
    await sendReply(mail.inbound.port, { envelope: { from: s.en.email, to: [s.address(s.en)] }, raw: tampered });
    const answers = (await drain(mail.sink)).filter((m) => m.to === s.en.email);
    expect(answers.map((m) => m.parsed.text ?? "").join()).toMatch(/failed DKIM check/);
    expect((await postsSeenBy(s.staff, s.thread.id)).map((p) => p.body)).not.toContain("Changed words.");
  });

  it("auto-replies, bounces and lists are dropped without an answer; refusals are answered at most five times an hour", async () => {
    const s = await setting();
    const since = mail.sink.received.length;
    const automatic: { headers?: Record<string, string>; envelopeFrom?: string }[] = [
      { headers: { "Auto-Submitted": "auto-replied" } },
      { headers: { Precedence: "bulk" } },
      { headers: { "X-Autoreply": "yes" } },
      { envelopeFrom: "" },
    ];
    for (const a of automatic) await sendReply(mail.inbound.port, { from: s.en.email, to: s.address(s.en), subject: "Out of office", text: "I am away.", ...a });
    // An answer to one of our refusals is auto-submitted too: never answered, so no loop.
    expect(await prisma().dialoguePost.count({ where: { threadId: s.thread.id } })).toBe(1);
    const ignored = await prisma().auditEntry.findMany({ where: { action: "dialogue.emailReplyIgnored" }, orderBy: { createdAt: "desc" }, take: 4 });
    expect(ignored.map((e) => (e.data as { reason: string }).reason).sort()).toEqual(["auto_reply", "auto_submitted", "null_sender", "precedence"]);

    for (let i = 0; i < 7; i++) await sendReply(mail.inbound.port, { from: "spoofer@elsewhere.example.org", to: s.address(s.en), subject: "Re", text: `Try ${i}` });
    await drain(mail.sink);
    expect(refusalsTo(s.en.email, since).length).toBe(5);
    expect(await prisma().auditEntry.count({ where: { action: "dialogue.emailReplyRefused", data: { path: ["dialogueId"], equals: s.d.id } } })).toBe(7);
  });

  it("the receiver takes mail only for genuine reply addresses, and the same message twice posts once", async () => {
    const s = await setting();
    await expect(sendReply(mail.inbound.port, { from: s.en.email, to: `someone@${REPLY_DOMAIN}`, subject: "x", text: "x" })).rejects.toMatchObject({ responseCode: 550 });
    await expect(sendReply(mail.inbound.port, { from: s.en.email, to: `reply+${"a".repeat(42)}@${REPLY_DOMAIN}`, subject: "x", text: "x" })).rejects.toMatchObject({ responseCode: 550 });
    const messageId = `<same-${n}@mail.example.org>`;
    await sendReply(mail.inbound.port, { from: s.en.email, to: s.address(s.en), subject: "Re", text: "Only once.", messageId });
    await sendReply(mail.inbound.port, { from: s.en.email, to: s.address(s.en), subject: "Re", text: "Only once.", messageId });
    expect((await postsSeenBy(s.staff, s.thread.id)).filter((p) => p.body === "Only once.")).toHaveLength(1);

    // The web's post limit: a person who used up their allowance is refused by mail too.
    for (let i = 0; i < LIMITS.dialoguePost.perUser.max; i++) await hit(postBuckets.person(s.es.id), LIMITS.dialoguePost.perUser);
    await sendReply(mail.inbound.port, { from: s.es.email, to: s.address(s.es), subject: "Re", text: "One too many." });
    const answer = (await drain(mail.sink)).filter((m) => m.to === s.es.email);
    expect(answer.map((m) => m.parsed.text ?? "").join()).toMatch(/ha publicado muchas veces en poco tiempo/);
    expect((await postsSeenBy(s.staff, s.thread.id)).map((p) => p.body)).not.toContain("One too many.");
  });
});
