import { describe, expect, it } from "vitest";
import { eraseAccount } from "../../app/services/account-erasure.server.ts";
import { listPosts, readableThread } from "../../app/services/dialogues/threads.server.ts";
import { fileStore } from "../../app/services/storage/file-store.server.ts";
import { isSuppressed, suppressedAmong } from "../../app/services/subscriptions/suppression.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { enqueueEmail } from "../../emails/outbox.ts";
import { makeUser } from "../factories.ts";
import { databaseTraces, fileTraces, seedPersonEverywhere } from "../helpers/person-everywhere.ts";

describe("erasure leaves nothing of the person", { timeout: 120_000 }, () => {
  it("finds no address, name or id in any table, the file store or the mailbox, and keeps them unmailable", async () => {
    const seeded = await seedPersonEverywhere("erase");
    const needles = [seeded.email, seeded.name, seeded.person.id];
    // The seed really reached the tables and files the search looks at.
    const before = await databaseTraces(needles);
    for (const table of ["Subscriber", "OutboxMessage", "DialoguePostRevision", "DialogueDocument", "SupportRequest", "AuditEntry", "SuppressionEntry", "RateLimitCounter", "Partner"]) {
      expect(before.some((t) => t.startsWith(`${table}.`)), table).toBe(true);
    }
    expect(fileTraces(needles).some((t) => t.startsWith("mail/"))).toBe(true);
    expect(fileTraces(needles).some((t) => t.startsWith("files/"))).toBe(true);

    await enqueueEmail(prisma(), { key: "unrelated-erase", to: seeded.other.email, subject: "Agenda", html: "<p>Agenda</p>", text: "Agenda" });
    const admin = await makeUser({ role: "ADMIN" });
    await eraseAccount(admin, seeded.email);

    expect(await databaseTraces(needles)).toEqual([]);
    expect(fileTraces(needles)).toEqual([]);

    // Still never mailed in bulk, whatever the case of the address.
    expect(await isSuppressed(prisma(), seeded.email.toUpperCase())).toBe(true);
    expect(await suppressedAmong(prisma(), [seeded.email, "someone@example.org"])).toEqual(new Set([seeded.email]));
    // Their posts stay, unattributed; other people's posts are untouched.
    const posts = await prisma().dialoguePost.findMany({ where: { id: { in: Object.values(seeded.posts).map((p) => p.id) } } });
    expect(posts).toHaveLength(3);
    expect(posts.find((p) => p.id === seeded.posts.post.id)!.authorId).toBeNull();
    expect(posts.find((p) => p.id === seeded.posts.otherPost.id)!.authorId).toBe(seeded.other.id);
    expect(await prisma().dialoguePostRevision.count({ where: { postId: seeded.posts.post.id } })).toBe(0);
    // Members read "former member" where the name showed; under the rule, the same "a participant" as before.
    const shown = async (threadId: string, postId: string) => (await listPosts(seeded.other, await readableThread(seeded.other, threadId))).nodes.find((p) => p.id === postId)!;
    expect(await shown(seeded.posts.post.threadId, seeded.posts.post.id)).toMatchObject({ author: null, formerMember: true });
    expect(await shown(seeded.posts.chathamPost.threadId, seeded.posts.chathamPost.id)).toMatchObject({ author: null, formerMember: false });
    expect(await shown(seeded.posts.post.threadId, seeded.posts.otherPost.id)).toMatchObject({ formerMember: false });
    // Under Chatham House the file stays, unattributed; elsewhere its bytes are removed and the row says so.
    const chathamDoc = await prisma().dialogueDocument.findUniqueOrThrow({ where: { id: seeded.documents.chathamDoc.id } });
    expect(chathamDoc).toMatchObject({ uploaderId: null, removedAt: null });
    expect(await fileStore().get(chathamDoc.storageKey)).not.toBeNull();
    const openDoc = await prisma().dialogueDocument.findUniqueOrThrow({ where: { id: seeded.documents.openDoc.id } });
    expect(openDoc.removedAt).not.toBeNull();
    expect(await fileStore().get(openDoc.storageKey)).toBeNull();
    // The institution's request stays for its colleagues and the counts, without the requester.
    const request = await prisma().supportRequest.findUniqueOrThrow({ where: { id: seeded.request.id } });
    expect(request).toMatchObject({ requesterId: null, partnerId: seeded.partner.id, status: "NEW" });
    // Other people keep what is theirs.
    expect(await prisma().user.count({ where: { id: seeded.other.id } })).toBe(1);
    expect(await prisma().outboxMessage.count({ where: { key: "unrelated-erase" } })).toBe(1);
    const erased = await prisma().auditEntry.findFirstOrThrow({ where: { action: "user.erased" } });
    expect(erased.actorId).toBe(admin.id);
  });

  it("erases an address that only subscribed to the newsletter", async () => {
    const email = "reader-only@example.org";
    await prisma().subscriber.create({
      data: { email, language: "FR", topics: [], frequency: "MONTHLY", status: "CONFIRMED", consentSource: "subscribe-form", consentWordingVersion: "2026-01" },
    });
    const admin = await makeUser({ role: "ADMIN" });
    await eraseAccount(admin, email);
    expect(await databaseTraces([email])).toEqual([]);
  });
});
