import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../app/services/api-tokens.server.ts";
import { removeDialogueMember } from "../../app/services/dialogues/membership.server.ts";
import { scheduleDialogueSession } from "../../app/services/dialogues/sessions.server.ts";
import type { SignedInActor } from "../../app/services/policy.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { focalPointOf, makePartner, makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { sampleDocx, sampleOdt, samplePdf, sampleXlsx } from "../helpers/documents.ts";
import { signInAs } from "../helpers/sign-in.ts";
import { joinDialogue, makeDialogue } from "./factories.ts";

type Who = "anonymous" | "partner" | "member" | "facilitator" | "staff" | "admin";
const WHO: Who[] = ["anonymous", "partner", "member", "facilitator", "staff", "admin"];
const MEMBER_NAME = "Mona Memberova";
const MEMBER_INSTITUTE = "Mona Migration Institute";
const FACILITATOR_NAME = "Felix Facilitador";
const SECRET_TITLE = "Seasonal work visas dialogue";
const MISSING = "cmissingdocument000000000";

let clients: Record<Who, Client>;
let staffActor: SignedInActor;
let facilitator: SignedInActor;
let secretId: string;
let privateId: string;

beforeAll(async () => {
  const creator = await makeUser({ role: "STAFF", name: "Creator Staff" });
  staffActor = await makeUser({ role: "STAFF", name: "Other Staff" });
  const admin = await makeUser({ role: "ADMIN", name: "Admin Person" });
  const outsider = await makePartner({ name: "Outsider Institute", focalPointName: "Pat Outsider" });
  const memberPartner = await makePartner({ name: MEMBER_INSTITUTE, focalPointName: MEMBER_NAME });
  const memberUser = await focalPointOf(memberPartner);
  secretId = (await makeDialogue(creator, { title: SECRET_TITLE, chathamHouse: true })).id;
  privateId = (await makeDialogue(creator, { title: "Open data group", visibility: "PRIVATE" })).id;
  const facUser = await makeUser({ name: FACILITATOR_NAME });
  facilitator = await joinDialogue(secretId, creator, facUser.email, "FACILITATOR");
  await joinDialogue(secretId, facilitator, memberUser.email);
  await joinDialogue(privateId, creator, memberUser.email);
  clients = {
    anonymous: new Client(),
    partner: await signInAs(new Client(), outsider.focalPointEmail),
    member: await signInAs(new Client(), memberUser.email),
    facilitator: await signInAs(new Client(), facUser.email),
    staff: await signInAs(new Client(), staffActor.email),
    admin: new Client("203.0.113.9", { authorization: `Bearer ${(await createApiToken(admin, { name: "documents" })).token}` }),
  };
});

function uploadTo(client: Client, dialogueId: string, bytes: Uint8Array, name: string) {
  const form = new FormData();
  form.append("file", new File([Buffer.from(bytes)], name, { type: "application/octet-stream" }));
  return client.fetch(`/dialogues/${dialogueId}/files/upload`, { method: "POST", body: form });
}
const newest = (dialogueId: string) => prisma().dialogueDocument.findFirstOrThrow({ where: { dialogueId }, orderBy: { createdAt: "desc" } });
const storedFiles = () => {
  const root = path.join(process.env.DATA_DIR!, "files");
  return fs.existsSync(root) ? fs.readdirSync(root, { recursive: true }).filter((f) => !fs.statSync(path.join(root, String(f))).isDirectory()).length : 0;
};

describe("dialogue documents", () => {
  it("members share PDF, DOCX, ODT and XLSX; downloads are attachments with safe names, nosniff and no-store", async () => {
    for (const [bytes, name, type] of [
      [samplePdf("Visa figures"), "Visa figures 2026.pdf", "application/pdf"],
      [sampleDocx(), "Draft.docx", "wordprocessingml"],
      [sampleOdt(), "Notes.odt", "opendocument.text"],
      [sampleXlsx(), "Quotas.xlsx", "spreadsheetml"],
    ] as const) {
      const response = await uploadTo(clients.member, secretId, bytes, name);
      expect(response.status, name).toBe(302);
      expect(response.headers.get("location")).toBe(`/dialogues/${secretId}/files?done=uploaded`);
      const row = await newest(secretId);
      expect(row.fileName).toBe(name);
      const download = await clients.facilitator.get(`/dialogues/${secretId}/files/${row.id}`);
      expect(download.status).toBe(200);
      expect(download.headers.get("content-type")).toContain(type);
      expect(download.headers.get("content-disposition")).toMatch(/^attachment; filename="/);
      expect(download.headers.get("x-content-type-options")).toBe("nosniff");
      expect(download.headers.get("cache-control")).toMatch(/(?=.*private)(?=.*no-store)/);
      expect(Buffer.from(await download.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
    }
  });

  it("refuses a wrong type, an oversize file and a missing file, by field, storing nothing", async () => {
    const rows = await prisma().dialogueDocument.count();
    const files = storedFiles();
    const cases: [Uint8Array, string, string][] = [
      [new Uint8Array(Buffer.from("<script>alert(1)</script>")), "report.pdf", "Only PDF, Word (DOCX)"],
      [new Uint8Array(Buffer.from("MZ\x90\x00 not a document")), "tool.exe", "Only PDF, Word (DOCX)"],
      // A ZIP that is neither OOXML nor ODF.
      [new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]), "archive.docx", "Only PDF, Word (DOCX)"],
      [new Uint8Array(25 * 1024 * 1024 + 1).fill(0x25, 0, 1), "huge.pdf", "larger than 25 MB"],
      [new Uint8Array(0), "empty.pdf", "Choose a file to upload."],
    ];
    for (const [bytes, name, message] of cases) {
      const response = await uploadTo(clients.member, secretId, bytes, name);
      expect(response.status, name).toBe(400);
      const html = await response.text();
      expect(html, name).toContain(message);
      expect(html).toContain('aria-invalid="true"');
    }
    expect(await prisma().dialogueDocument.count()).toBe(rows);
    expect(storedFiles()).toBe(files);
  });

  it("path tricks in file names are display text only: no directory, no control characters, the real extension", async () => {
    const tricks: [Uint8Array, string, string][] = [
      [samplePdf(), "../../../etc/passwd.pdf", "passwd.pdf"],
      [sampleDocx(), "..\\..\\windows\\system32\\evil.docx", "evil.docx"],
      [samplePdf(), 'inj"ect\r\nX-Evil: 1.pdf', "injectX-Evil 1.pdf"],
      [samplePdf(), "....pdf", "pdf.pdf"],
      [samplePdf(), "notes.html", "notes.pdf"],
    ];
    for (const [bytes, name, shown] of tricks) {
      expect((await uploadTo(clients.member, secretId, bytes, name)).status, name).toBe(302);
      const row = await newest(secretId);
      expect(row.fileName, name).toBe(shown);
      expect(row.storageKey).toMatch(/^[a-f0-9]{32}$/);
      const disposition = (await clients.member.get(`/dialogues/${secretId}/files/${row.id}`)).headers.get("content-disposition")!;
      expect(disposition).not.toMatch(/[\r\n]|\.\.|[/\\]/);
    }
    // Nothing was written outside the file store.
    expect(fs.existsSync(path.join(process.env.DATA_DIR!, "etc"))).toBe(false);
  });

  it("authorization matrix: list, download, upload and removal; the same answer for missing and forbidden", async () => {
    const pdf = await uploadTo(clients.member, secretId, samplePdf("Matrix"), "matrix.pdf");
    expect(pdf.status).toBe(302);
    const doc = await newest(secretId);
    const expected: Record<Who, { list: string; download: number; upload: number }> = {
      anonymous: { list: "NOT_FOUND", download: 302, upload: 302 },
      partner: { list: "NOT_FOUND", download: 404, upload: 404 },
      member: { list: "OK", download: 200, upload: 302 },
      facilitator: { list: "OK", download: 200, upload: 302 },
      staff: { list: "OK", download: 200, upload: 302 },
      admin: { list: "OK", download: 0, upload: 0 },
    };
    const LIST = "query($id: ID!) { dialogue(id: $id) { documents(first: 50) { totalCount edges { node { id fileName isMine downloadUrl uploader { name affiliation } } } } } }";
    for (const who of WHO) {
      const list = (await clients[who].graphql(LIST, { id: secretId })) as { errors?: { extensions?: { code?: string } }[]; data?: unknown };
      expect(list.errors?.[0]?.extensions?.code ?? "OK", who).toBe(expected[who].list);
      const text = JSON.stringify(list);
      // Chatham House: nobody sees who shared what, facilitators and staff included.
      for (const name of [MEMBER_NAME, MEMBER_INSTITUTE, FACILITATOR_NAME]) expect(text, who).not.toContain(name);
      if (who === "admin") continue; // an API token reaches GraphQL, not pages
      const download = await clients[who].get(`/dialogues/${secretId}/files/${doc.id}`);
      const missing = await clients[who].get(`/dialogues/${secretId}/files/${MISSING}`);
      const elsewhere = await clients[who].get(`/dialogues/${privateId}/files/${doc.id}`);
      expect([download.status, missing.status], who).toEqual([expected[who].download, expected[who].download === 200 ? 404 : expected[who].download]);
      if (who !== "anonymous") expect(elsewhere.status, who).toBe(404);
      if (download.status !== 200) expect(await download.text()).toBe((await missing.text()).replaceAll(MISSING, doc.id));
      expect((await uploadTo(clients[who], secretId, samplePdf(), `by-${who}.pdf`)).status, who).toBe(expected[who].upload);
      const page = await clients[who].get(`/dialogues/${secretId}/files`);
      expect(page.status, who).toBe(expected[who].list === "OK" ? 200 : who === "anonymous" ? 302 : 404);
      const html = await page.text();
      for (const name of [MEMBER_NAME, MEMBER_INSTITUTE, FACILITATOR_NAME]) expect(html, who).not.toContain(name);
      if (page.status === 200) expect(html).toContain("data-chatham-house");
    }
    // The member sees their own uploads as theirs, everyone else's as a participant's.
    const own = await clients.member.graphql<{ dialogue: { documents: { edges: { node: { isMine: boolean; uploader: unknown } }[] } } }>(LIST, { id: secretId });
    expect(own.data!.dialogue.documents.edges.some((e) => e.node.isMine)).toBe(true);
    expect(own.data!.dialogue.documents.edges.every((e) => e.node.uploader === null)).toBe(true);
    // The listed private dialogue: a partner sees it exists, and no documents.
    const listed = await clients.partner.graphql<{ dialogue: { documents: { totalCount: number } } }>("query($id: ID!) { dialogue(id: $id) { documents { totalCount } } }", { id: privateId });
    expect(listed.data!.dialogue.documents.totalCount).toBe(0);

    const REMOVE = "mutation($id: ID!) { removeDialogueDocument(id: $id) }";
    const removal: Record<Who, string> = { anonymous: "UNAUTHENTICATED", partner: "NOT_FOUND", member: "FORBIDDEN", facilitator: "OK", staff: "OK", admin: "OK" };
    for (const who of WHO) {
      expect((await uploadTo(clients.member, secretId, samplePdf(who), `remove-${who}.pdf`)).status).toBe(302);
      const target = await newest(secretId);
      const result = (await clients[who].graphql(REMOVE, { id: target.id })) as { errors?: { message: string; extensions?: { code?: string } }[] };
      expect(result.errors?.[0]?.extensions?.code ?? "OK", who).toBe(removal[who]);
      if (who === "partner") expect(result.errors).toEqual(((await clients.partner.graphql(REMOVE, { id: MISSING })) as typeof result).errors);
      const after = await clients.member.get(`/dialogues/${secretId}/files/${target.id}`);
      expect(after.status, who).toBe(removal[who] === "OK" ? 404 : 200);
    }
  });

  it("Chatham House off: members see who shared a document; the page form removes for facilitators only", async () => {
    expect((await uploadTo(clients.member, privateId, samplePdf("Open"), "open.pdf")).status).toBe(302);
    const doc = await newest(privateId);
    const creatorClient = clients.staff;
    const html = await (await creatorClient.get(`/dialogues/${privateId}/files`)).text();
    expect(html).toContain(`${MEMBER_NAME} (${MEMBER_INSTITUTE})`);
    expect((await clients.member.post(`/dialogues/${privateId}/files?index`, { intent: "remove", documentId: doc.id })).status).toBe(403);
    // Another dialogue's address does not reach it.
    expect((await clients.staff.post(`/dialogues/${secretId}/files?index`, { intent: "remove", documentId: doc.id })).status).toBe(404);
    const removed = await clients.staff.post(`/dialogues/${privateId}/files?index`, { intent: "remove", documentId: doc.id });
    expect(removed.status).toBe(302);
    expect((await clients.member.get(`/dialogues/${privateId}/files/${doc.id}`)).status).toBe(404);
    const row = await prisma().dialogueDocument.findUniqueOrThrow({ where: { id: doc.id } });
    expect(row.removedAt).not.toBeNull();
  });

  it("a removed member can no longer download, even with the link", async () => {
    const leaver = await makeUser({ name: "Lea Leaver" });
    await joinDialogue(secretId, facilitator, leaver.email);
    const client = await signInAs(new Client(), leaver.email);
    expect((await uploadTo(client, secretId, samplePdf("Before leaving"), "mine.pdf")).status).toBe(302);
    const doc = await newest(secretId);
    expect((await client.get(`/dialogues/${secretId}/files/${doc.id}`)).status).toBe(200);
    await removeDialogueMember(facilitator, secretId, leaver.id);
    const after = await client.get(`/dialogues/${secretId}/files/${doc.id}`);
    const missing = await client.get(`/dialogues/${secretId}/files/${MISSING}`);
    expect([after.status, missing.status]).toEqual([404, 404]);
    expect(await after.text()).toBe((await missing.text()).replaceAll(MISSING, doc.id));
    expect((await uploadTo(client, secretId, samplePdf(), "again.pdf")).status).toBe(404);
  });

  it("an outcome note attaches documents of its own dialogue only", async () => {
    expect((await uploadTo(clients.member, secretId, samplePdf("Minutes"), "minutes.pdf")).status).toBe(302);
    const minutes = await newest(secretId);
    expect((await uploadTo(clients.member, privateId, samplePdf("Other"), "other.pdf")).status).toBe(302);
    const other = await newest(privateId);
    const past = new Date(Date.now() - 86400_000);
    const held = await scheduleDialogueSession(facilitator, secretId, { title: "Held meeting", startsAt: past, endsAt: new Date(past.getTime() + 3600_000), timeZone: "UTC" });
    const page = `/dialogues/${secretId}/sessions/${held.id}`;
    const wrong = await clients.facilitator.post(page, { intent: "outcome", body: "Summary", documentIds: other.id });
    expect(wrong.status).toBe(400);
    const ok = await clients.facilitator.post(page, { intent: "outcome", body: "We agreed on *two* steps.", documentIds: minutes.id });
    expect(ok.status).toBe(302);
    const html = await (await clients.member.get(page)).text();
    expect(html).toContain("<em>two</em>");
    expect(html).toContain(`/dialogues/${secretId}/files/${minutes.id}`);
    const api = await clients.member.graphql<{ dialogueSession: { outcome: { body: string }; outcomeDocuments: { fileName: string; uploader: unknown }[] } }>(
      "query($id: ID!) { dialogueSession(id: $id) { outcome { body } outcomeDocuments { fileName uploader { name } } } }",
      { id: held.id },
    );
    expect(api.data!.dialogueSession.outcomeDocuments).toEqual([{ fileName: "minutes.pdf", uploader: null }]);
  });
});
