import { beforeAll, describe, expect, it } from "vitest";
import { errorMessages } from "../../app/i18n/errors.ts";
import type { SignedInActor } from "../../app/services/policy.server.ts";
import { createPublication } from "../../app/services/publications/publications.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { minimalPdf } from "../../prisma/demo-pdf.ts";
import { makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { upload } from "../helpers/documents.ts";
import { signInAs } from "../helpers/sign-in.ts";

// Issue 11's "bad input" proof, the cases the domain tests (tests/subscriptions, tests/publications/surfaces,
// graphql-upload) do not already cover: clear errors on the public surfaces, and nothing stored or lost.
let staff: SignedInActor;
let staffBrowser: Client;
let seq = 0;
const fresh = () => new Client(`198.51.100.${200 + ++seq}`);
const decode = (html: string) => html.replace(/&amp;/g, "&").replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"');
beforeAll(async () => {
  staff = await makeUser({ role: "STAFF" });
  staffBrowser = await signInAs(new Client(), staff.email);
});

describe("subscriptions", () => {
  it("an unsupported language over GraphQL is refused before anything runs; nothing is stored", async () => {
    const res = await fresh().graphql(`mutation($i: SubscribeInput!) { subscribe(input: $i) { ok } }`, {
      i: { email: "german@example.org", language: "DE", topics: ["CARE_WORK"], frequency: "WEEKLY" },
    });
    expect(res.status).toBe(400);
    expect(res.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(await prisma().subscriber.count({ where: { email: "german@example.org" } })).toBe(0);
  });

  it("a malformed address on the form is a field error, and the reader's other choices are kept in the form", async () => {
    const res = await fresh().post("/subscribe", { email: "not an address", language: "es", topics: ["REMITTANCES", "DISPLACEMENT"], frequency: "MONTHLY", wording: "2026-11-v1" });
    expect(res.status).toBe(400);
    const html = decode(await res.text());
    expect(html).toContain('id="f-email-error"');
    expect(html).toMatch(/value="not an address"/);
    for (const kept of ["REMITTANCES", "DISPLACEMENT", "MONTHLY"]) expect(html).toMatch(new RegExp(`value="${kept}"[^>]*checked|checked[^>]*value="${kept}"|value="${kept}"[^>]*selected|selected[^>]*value="${kept}"`));
    expect(await prisma().subscriber.count({ where: { email: "not an address" } })).toBe(0);
  });

  it("a confirmation token that is unknown or malformed is a clear error on the page and over GraphQL", async () => {
    const page = await fresh().post("/subscribe/confirm/not-a-real-token", {});
    expect(page.status).toBe(400);
    expect(decode(await page.text())).toContain(errorMessages.en.subscription_link_invalid);
    const gql = await fresh().graphql(`mutation($t: String!) { confirmSubscription(token: $t) { status } }`, { t: "not-a-real-token" });
    expect(gql.data).toBeNull();
    expect(gql.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: { token: "subscription_link_invalid" } });
  });
});

describe("publication PDFs on the page form", () => {
  it("an unsupported language is refused with a message on the edit page, and nothing is stored", async () => {
    const p = await createPublication(staff, { type: "BRIEF", authors: "A", translations: [{ language: "en", title: "Language check" }] });
    const form = new FormData();
    form.set("language", "de");
    form.set("pdf", upload(minimalPdf("German"), "de.pdf", "application/pdf"));
    const res = await staffBrowser.fetch(`/publications/${p.id}/upload`, { method: "POST", body: form });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toContain("pdf_error=invalid_language");
    const edit = decode(await (await staffBrowser.get(new URL(res.headers.get("location")!, "http://hub.test").pathname + new URL(res.headers.get("location")!, "http://hub.test").search)).text());
    expect(edit).toContain("Choose English, French or Spanish.");
    expect(await prisma().publicationTranslation.count({ where: { publicationId: p.id, pdfKey: { not: null } } })).toBe(0);
  });

  it("an oversized PDF on the page is refused with the size in the message, and the earlier PDF stays", async () => {
    const p = await createPublication(staff, { type: "BRIEF", authors: "A", translations: [{ language: "en", title: "Size check" }] });
    const first = new FormData();
    first.set("language", "en");
    first.set("pdf", upload(minimalPdf("First"), "first.pdf", "application/pdf"));
    expect((await staffBrowser.fetch(`/publications/${p.id}/upload`, { method: "POST", body: first })).status).toBe(303);
    const kept = await prisma().publicationTranslation.findFirstOrThrow({ where: { publicationId: p.id } });
    const big = new Uint8Array(25 * 1024 * 1024 + 10);
    big.set(minimalPdf("Too big"));
    const form = new FormData();
    form.set("language", "en");
    form.set("pdf", upload(big, "big.pdf", "application/pdf"));
    const res = await staffBrowser.fetch(`/publications/${p.id}/upload`, { method: "POST", body: form });
    expect(res.status).toBe(303);
    const location = res.headers.get("location")!;
    expect(location).toContain("pdf_error=pdf_too_large");
    expect(decode(await (await staffBrowser.get(location)).text())).toContain("The PDF is too large (at most 25 MB).");
    expect((await prisma().publicationTranslation.findFirstOrThrow({ where: { publicationId: p.id } })).pdfKey).toBe(kept.pdfKey);
  });
});
