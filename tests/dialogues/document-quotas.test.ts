import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { removeDialogueDocument, uploadDialogueDocument } from "../../app/services/dialogues/document-files.server.ts";
import { errorMessages } from "../../app/i18n/errors.ts";
import { toDbLanguage, translator } from "../../app/i18n/index.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { resetEnv } from "../../app/utils/env.server.ts";
import { makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { samplePdf } from "../helpers/documents.ts";
import { signInAs } from "../helpers/sign-in.ts";
import { joinDialogue, makeDialogue } from "./factories.ts";

const SETTINGS = ["DIALOGUE_FILES_PER_PERSON", "DIALOGUE_MB_PER_PERSON", "DIALOGUE_FILES_PER_DIALOGUE", "DIALOGUE_MB_PER_DIALOGUE", "DIALOGUE_UPLOADS_PER_HOUR"] as const;
const saved = Object.fromEntries(SETTINGS.map((k) => [k, process.env[k]]));
function settings(values: Partial<Record<(typeof SETTINGS)[number], number>>) {
  for (const k of SETTINGS) delete process.env[k];
  for (const [k, v] of Object.entries(values)) process.env[k] = String(v);
  resetEnv();
}
beforeEach(() => settings({}));
afterAll(() => {
  for (const k of SETTINGS) if (saved[k] === undefined) delete process.env[k];
  else process.env[k] = saved[k];
  resetEnv();
});

const MB = 1024 * 1024;
/** A PDF (by its bytes) of about `mb` megabytes. */
const pdfOf = (mb: number, text = "padding") => {
  const head = samplePdf(text);
  const out = new Uint8Array(Math.round(mb * MB)).fill(0x20);
  out.set(head);
  return out;
};
const file = (bytes: Uint8Array, name = "notes.pdf") => new File([Buffer.from(bytes)], name, { type: "application/pdf" });

function uploadTo(client: Client, dialogueId: string, bytes: Uint8Array, name = "notes.pdf") {
  const form = new FormData();
  form.append("file", file(bytes, name));
  return client.fetch(`/dialogues/${dialogueId}/files/upload`, { method: "POST", body: form });
}
const storedFiles = () => {
  const root = path.join(process.env.DATA_DIR!, "files");
  return fs.existsSync(root) ? fs.readdirSync(root, { recursive: true }).filter((f) => !fs.statSync(path.join(root, String(f))).isDirectory()).length : 0;
};
const decoded = (html: string) => html.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, "&").replace(/[\u00a0\u202f]/g, " ");
const message = (lang: "en" | "fr" | "es", key: keyof typeof errorMessages.en, vars?: Record<string, number>) =>
  decoded(translator(errorMessages, lang)(key, vars));

let n = 0;
async function setup(language: "en" | "fr" | "es" = "en") {
  const staff = await makeUser({ role: "STAFF" });
  const dialogue = await makeDialogue(staff);
  const email = `sharer-${++n}-${dialogue.id}@example.org`;
  const member = await joinDialogue(dialogue.id, staff, email);
  await prisma().user.update({ where: { id: member.id }, data: { language: toDbLanguage(language) } });
  return { staff, dialogue, member, client: await signInAs(new Client(), email), email };
}

describe("dialogue document quotas and upload rate", () => {
  it("a person's number of shared files counts across dialogues; a removed file frees its place", async () => {
    settings({ DIALOGUE_FILES_PER_PERSON: 2 });
    const { staff, dialogue, member, client, email } = await setup();
    const other = await makeDialogue(staff);
    await joinDialogue(other.id, staff, email);
    expect((await uploadTo(client, dialogue.id, samplePdf("one"))).status).toBe(302);
    expect((await uploadTo(client, other.id, samplePdf("two"))).status).toBe(302);
    const [rows, files] = [await prisma().dialogueDocument.count(), storedFiles()];

    const refused = await uploadTo(client, other.id, samplePdf("three"));
    expect(refused.status).toBe(409);
    const page = decoded(await refused.text());
    expect(page).toContain(message("en", "quota_reached"));
    expect(page).toContain(message("en", "quota_person_files", { max: 2 }));
    expect(page).toContain('aria-invalid="true"');
    expect(await prisma().dialogueDocument.count()).toBe(rows);
    expect(storedFiles()).toBe(files);

    const first = await prisma().dialogueDocument.findFirstOrThrow({ where: { uploaderId: member.id, dialogueId: dialogue.id } });
    await removeDialogueDocument(staff, first.id);
    expect((await uploadTo(client, other.id, samplePdf("three again"))).status).toBe(302);
  });

  it("a person's total size is capped, in the reader's language", async () => {
    settings({ DIALOGUE_MB_PER_PERSON: 1 });
    const { dialogue, client } = await setup("fr");
    expect((await uploadTo(client, dialogue.id, pdfOf(0.6))).status).toBe(302);
    const refused = await uploadTo(client, dialogue.id, pdfOf(0.6));
    expect(refused.status).toBe(409);
    const page = decoded(await refused.text());
    expect(page).toContain(message("fr", "quota_person_bytes", { max: 1 }));
    expect(page).toContain("1 Mo au total");
    expect((await uploadTo(client, dialogue.id, pdfOf(0.3))).status).toBe(302);
  });

  it("a dialogue's number of files and total size are capped for all its members together", async () => {
    settings({ DIALOGUE_FILES_PER_DIALOGUE: 2, DIALOGUE_MB_PER_DIALOGUE: 1 });
    const { staff, dialogue, client } = await setup("es");
    const second = `second-${dialogue.id}@example.org`;
    await joinDialogue(dialogue.id, staff, second);
    const secondClient = await signInAs(new Client(), second);
    expect((await uploadTo(client, dialogue.id, pdfOf(0.7))).status).toBe(302);
    const tooBig = await uploadTo(secondClient, dialogue.id, pdfOf(0.4));
    expect(tooBig.status).toBe(409);
    expect(decoded(await tooBig.text())).toContain(message("en", "quota_dialogue_bytes", { max: 1 }));
    expect((await uploadTo(secondClient, dialogue.id, samplePdf("small"))).status).toBe(302);
    const third = await uploadTo(client, dialogue.id, samplePdf("third"));
    expect(third.status).toBe(409);
    expect(decoded(await third.text())).toContain(message("es", "quota_dialogue_files", { max: 2 }));
    expect(await prisma().dialogueDocument.count({ where: { dialogueId: dialogue.id, removedAt: null } })).toBe(2);
  });

  it("concurrent uploads cannot pass the quota together", async () => {
    settings({ DIALOGUE_FILES_PER_PERSON: 2 });
    const { dialogue, member } = await setup();
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => uploadDialogueDocument(member, dialogue.id, file(samplePdf(`race ${i}`)))));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(2);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "CONFLICT", fields: { file: { key: "quota_person_files" } } });
    expect(await prisma().dialogueDocument.count({ where: { uploaderId: member.id } })).toBe(2);
  });

  it("uploads per hour are limited per person: RATE_LIMITED, 429 on the page, nothing stored", async () => {
    settings({ DIALOGUE_UPLOADS_PER_HOUR: 3 });
    const { dialogue, member, client } = await setup();
    for (let i = 0; i < 3; i++) expect((await uploadTo(client, dialogue.id, samplePdf(`hour ${i}`))).status).toBe(302);
    // A window boundary passing meanwhile can let one more through; never more.
    let refused: Response | undefined;
    for (let extra = 0; extra < 2 && !refused; extra++) {
      const r = await uploadTo(client, dialogue.id, samplePdf("more"));
      if (r.status !== 302) refused = r;
    }
    expect(refused?.status).toBe(429);
    expect(decoded(await refused!.text())).toContain(message("en", "upload_rate_limited"));
    const files = storedFiles();
    await expect(uploadDialogueDocument(member, dialogue.id, file(samplePdf("api")))).rejects.toMatchObject({ code: "RATE_LIMITED", key: "upload_rate_limited" });
    expect(storedFiles()).toBe(files);
    // Another member of the same dialogue is not held back.
    const other = await setup();
    expect((await uploadTo(other.client, other.dialogue.id, samplePdf("fine"))).status).toBe(302);
  });

  it("refuses settings that are not whole numbers of at least 1 at start", async () => {
    const { parseEnv } = await import("../../app/utils/env.server.ts");
    expect(() => parseEnv({ ...process.env, DIALOGUE_MB_PER_DIALOGUE: "0" })).toThrow(/DIALOGUE_MB_PER_DIALOGUE: must be at least 1/);
    expect(() => parseEnv({ ...process.env, DIALOGUE_FILES_PER_PERSON: "2.5" })).toThrow(/DIALOGUE_FILES_PER_PERSON: must be a whole number/);
  });
});
