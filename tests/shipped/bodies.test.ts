import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORM_BODY_LIMIT, MAX_UPLOAD_BYTES, UPLOAD_BODY_LIMIT } from "../../app/http/limits.ts";
import { randomToken, sha256 } from "../../app/services/crypto.server.ts";
import type { SignedInActor } from "../../app/services/policy.server.ts";
import { createPublication } from "../../app/services/publications/publications.server.ts";
import { preferenceToken } from "../../app/services/subscriptions/links.server.ts";
import { closeDatabase, prisma } from "../../app/utils/db.server.ts";
import { resetEnv } from "../../app/utils/env.server.ts";
import { minimalPdf } from "../../prisma/demo-pdf.ts";
import { makeDialogue, joinDialogue } from "../dialogues/factories.ts";
import { makeUser } from "../factories.ts";
import { sampleDocx, sampleOdt, samplePdf, sampleXlsx, upload } from "../helpers/documents.ts";
import { startShippedHub, type ShippedHub } from "../helpers/hub-process.ts";

// Request bodies as they reach the shipped server (build/server.js, production mode) over a real socket: sized,
// chunked (no Content-Length), empty, without a type, multipart; uploads with and without an upload allowance.
// Runs on the embedded database and, with TEST_DATABASE_URL, on a fresh PostgreSQL database.

let hub: ShippedHub;
let staff: SignedInActor;
let member: SignedInActor;
let outsider: SignedInActor;
let dialogueId: string;
let publicationId: string;

beforeAll(async () => {
  hub = await startShippedHub();
  // This process writes the fixtures into the hub's own database (through its socket when embedded) and shares
  // its data directory, so signed links and sessions are minted with the hub's secret.
  process.env.DATA_DIR = hub.dataDir;
  if (hub.databaseUrl) process.env.DATABASE_URL = hub.databaseUrl;
  else delete process.env.DATABASE_URL;
  await closeDatabase();
  resetEnv();
  staff = await makeUser({ role: "STAFF" });
  outsider = await makeUser({ role: "PARTNER" });
  dialogueId = (await makeDialogue(staff, { title: "Bodies roundtable" })).id;
  member = await joinDialogue(dialogueId, staff, `member-${randomToken().slice(0, 8)}@example.org`);
  publicationId = (await createPublication(staff, { type: "BRIEF", authors: "R. Team", translations: [{ language: "en", title: "Body brief" }] })).id;
}, 180_000);

afterAll(async () => {
  await closeDatabase();
  await hub?.close();
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** Body bytes the client had written when the answer arrived. */
  sent: number;
}

/** One request over node:http; `chunks` without a content-length header go out chunked, one write() each. */
function send(pathname: string, opts: { method?: string; headers?: Record<string, string>; chunks?: (Uint8Array | string)[] } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    const req = http.request(`${hub.base}${pathname}`, { method: opts.method ?? "POST", headers: { origin: hub.base, ...opts.headers } }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => parts.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(parts).toString("utf8"), sent }));
      res.on("error", reject);
    });
    req.on("error", reject);
    for (const chunk of opts.chunks ?? []) {
      sent += Buffer.byteLength(chunk);
      req.write(chunk);
    }
    req.end();
  });
}

/**
 * A large body over a raw socket that keeps writing `times` copies of `chunk` (chunked unless a content-length is
 * given) until the server answers, then stops: the status, and how many body bytes had gone out by then. A server
 * that reads everything first answers only after the last chunk.
 */
function sendUntilAnswered(
  pathname: string,
  headers: Record<string, string>,
  chunk: Uint8Array,
  times: number,
  { end = true } = {},
): Promise<{ status: number; sent: number }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(hub.port, "127.0.0.1");
    const chunked = !("content-length" in headers);
    let received = "";
    let sent = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      const status = /^HTTP\/1\.1 (\d{3})/.exec(received);
      if (!status) return;
      done = true;
      socket.destroy();
      resolve({ status: Number(status[1]), sent });
    };
    socket.on("data", (data) => {
      received += data.toString("latin1");
      finish();
    });
    // Writing on after the server closed: the answer, if any, has already been read.
    socket.on("error", () => finish());
    socket.on("close", () => (done ? undefined : (finish(), done || reject(new Error(`no answer; got ${JSON.stringify(received.slice(0, 200))}`)))));
    socket.on("connect", async () => {
      const head = { host: `127.0.0.1:${hub.port}`, origin: hub.base, ...headers, ...(chunked ? { "transfer-encoding": "chunked" } : {}) };
      socket.write(`POST ${pathname} HTTP/1.1\r\n${Object.entries(head).map(([k, v]) => `${k}: ${v}\r\n`).join("")}\r\n`);
      for (let i = 0; i < times && !done && !socket.destroyed; i++) {
        const ok = socket.write(chunked ? Buffer.concat([Buffer.from(`${chunk.byteLength.toString(16)}\r\n`), chunk, Buffer.from("\r\n")]) : chunk);
        sent += chunk.byteLength;
        if (!ok) await new Promise<void>((r) => { socket.once("drain", r); socket.once("close", r); });
      }
      if (end && !done && !socket.destroyed && chunked) socket.write("0\r\n\r\n");
    });
  });
}

/** A multipart body (bytes and its content type), as a browser encodes a form. */
async function multipart(fields: Record<string, string | File>) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  const encoded = new Response(form);
  return { type: encoded.headers.get("content-type")!, bytes: new Uint8Array(await encoded.arrayBuffer()) };
}

/** A session cookie for `email`, through the hub's own verify page (the mail round trip skipped). */
async function sessionFor(email: string) {
  const token = randomToken();
  const browser = randomToken();
  await prisma().signInToken.create({ data: { email, tokenHash: sha256(token), expiresAt: new Date(Date.now() + 60_000), browserHash: sha256(browser) } });
  const body = `token=${token}`;
  const res = await send("/auth/verify", { headers: { "content-type": "application/x-www-form-urlencoded", "content-length": String(body.length), cookie: `gmh_signin=${browser}` }, chunks: [body] });
  expect(res.status).toBe(302);
  const cookie = [res.headers["set-cookie"] ?? []].flat().find((c) => c.startsWith("gmh_session="));
  expect(cookie).toBeTruthy();
  return cookie!.split(";")[0];
}

async function confirmedSubscriber() {
  const email = `reader-${randomToken().slice(0, 8)}@example.org`;
  const row = await prisma().subscriber.create({ data: { email, language: "EN", topics: [], frequency: "WEEKLY", status: "CONFIRMED", confirmedAt: new Date(), consentSource: "web", consentWordingVersion: "2026-11-v1" } });
  return { email, token: preferenceToken({ kind: "subscriber", id: row.id, preferenceTokenVersion: row.preferenceTokenVersion }) };
}
const statusOf = async (email: string) => (await prisma().subscriber.findUniqueOrThrow({ where: { email } })).status;

function storedFiles(dir = path.join(hub.dataDir, "files")): number {
  if (!fs.existsSync(dir)) return 0;
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? storedFiles(path.join(dir, e.name)) : 1), 0);
}
const documentRows = () => prisma().dialogueDocument.count({ where: { dialogueId } });

describe("one-click unsubscribe (RFC 8058) reaches the action whatever the body", () => {
  it.each([
    ["multipart", async () => multipart({ "List-Unsubscribe": "One-Click" })],
    ["urlencoded", async () => ({ type: "application/x-www-form-urlencoded", bytes: new TextEncoder().encode("List-Unsubscribe=One-Click") })],
    ["empty, without a type", async () => ({ type: "", bytes: new Uint8Array(0) })],
    ["empty urlencoded", async () => ({ type: "application/x-www-form-urlencoded", bytes: new Uint8Array(0) })],
  ])("%s", async (_name, body) => {
    const { email, token } = await confirmedSubscriber();
    const { type, bytes } = await body();
    const headers: Record<string, string> = { origin: "https://mail.example.net", "content-length": String(bytes.byteLength) };
    if (type) headers["content-type"] = type;
    const res = await send(`/unsubscribe/${token}`, { headers, chunks: [bytes] });
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    expect(await statusOf(email)).toBe("UNSUBSCRIBED");
  });

  it("multipart sent chunked", async () => {
    const { email, token } = await confirmedSubscriber();
    const { type, bytes } = await multipart({ "List-Unsubscribe": "One-Click" });
    const res = await send(`/unsubscribe/${token}`, { headers: { "content-type": type }, chunks: [bytes.subarray(0, 10), bytes.subarray(10)] });
    expect(res.status).toBe(200);
    expect(await statusOf(email)).toBe("UNSUBSCRIBED");
  });
});

describe("chunked bodies (no Content-Length) are read like sized ones", () => {
  it("/graphql: a valid JSON document in pieces", async () => {
    const body = JSON.stringify({ query: "{ __typename }" });
    const res = await send("/graphql", { headers: { "content-type": "application/json" }, chunks: [body.slice(0, 7), body.slice(7)] });
    expect(res.status, res.text).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ data: { __typename: "Query" } });
  });

  it("/graphql: a chunked body over the limit is refused with 413", async () => {
    // The body never ends: an answer at all means the server stopped reading at its limit (loopback buffers can
    // take all 4 MB before it reads, so the count sent says nothing here).
    const res = await sendUntilAnswered("/graphql", { "content-type": "application/json" }, new Uint8Array(64 * 1024).fill(32), 64, { end: false });
    expect(res.status).toBe(413);
  });

  it("a page form (subscribe) in pieces", async () => {
    const email = `chunked-${randomToken().slice(0, 8)}@example.org`.toLowerCase();
    const body = new URLSearchParams({ email, language: "en", topics: "CARE_WORK", frequency: "WEEKLY", wording: "2026-11-v1" }).toString();
    const res = await send("/subscribe", { headers: { "content-type": "application/x-www-form-urlencoded" }, chunks: [body.slice(0, 5), body.slice(5, 20), body.slice(20)] });
    expect(res.status, res.text.slice(0, 300)).toBe(200);
    expect(await statusOf(email)).toBe("PENDING");
  });
});

describe("empty and untyped bodies get an answer", () => {
  it.each(["/subscribe", "/auth/sign-in"])("an empty urlencoded POST to %s answers with the form and its field errors", async (page) => {
    for (const headers of [{ "content-length": "0" }, {}] as Record<string, string>[]) {
      const res = await send(page, { headers: { "content-type": "application/x-www-form-urlencoded", ...headers } });
      expect(res.status).toBe(400);
      expect(res.text).toContain('aria-invalid="true"');
    }
  });

  it("a POST with a body but no Content-Type is a clear 415, on a page and on /graphql", async () => {
    for (const page of ["/subscribe", "/auth/sign-in", "/graphql"]) {
      const res = await send(page, { headers: { "content-length": "11" }, chunks: ["email=a@b.c"] });
      expect(res.status, page).toBe(415);
      expect(res.text).not.toMatch(/at \w+ \(|node_modules|\.js:\d+/);
    }
  });

  it("a malformed multipart body is a 400, not a 500", async () => {
    const res = await send("/subscribe", { headers: { "content-type": "multipart/form-data; boundary=xyz" }, chunks: ["--xyz\r\nnot a part"] });
    expect(res.status).toBe(400);
  });
});

describe("upload allowances follow the caller", () => {
  const big = new Uint8Array(256 * 1024);

  it("an anonymous caller keeps the small limit: a declared 25 MB body is refused before it is sent", async () => {
    const res = await sendUntilAnswered(
      `/dialogues/${dialogueId}/files/upload`,
      { "content-type": "multipart/form-data; boundary=xyz", "content-length": String(MAX_UPLOAD_BYTES) },
      big,
      MAX_UPLOAD_BYTES / big.byteLength,
    );
    expect(res.status).toBe(413);
    expect(res.sent).toBeLessThan(MAX_UPLOAD_BYTES);
  });

  it("an anonymous chunked 25 MB body is cut off at the small limit", async () => {
    const res = await sendUntilAnswered(`/publications/${publicationId}/upload`, { "content-type": "multipart/form-data; boundary=xyz" }, big, MAX_UPLOAD_BYTES / big.byteLength);
    expect(res.status).toBe(413);
    expect(res.sent).toBeLessThan(FORM_BODY_LIMIT * 8);
  });

  it("a signed-in caller who may not upload there keeps the small limit too", async () => {
    const cookie = await sessionFor(outsider.email);
    const { type, bytes } = await multipart({ file: upload(new Uint8Array(2 * 1024 * 1024), "big.pdf") });
    const res = await send(`/dialogues/${dialogueId}/files/upload`, { headers: { cookie, "content-type": type, "content-length": String(bytes.byteLength) }, chunks: [bytes] });
    expect(res.status).toBe(413);
  });
});

describe("uploads over HTTP", () => {
  it("a member shares PDF, DOCX, XLSX and ODT (sized and chunked bodies)", async () => {
    const cookie = await sessionFor(member.email);
    const before = await documentRows();
    const files: [Uint8Array, string][] = [
      [samplePdf("Shipped"), "brief.pdf"],
      [sampleDocx(), "Notes.docx"],
      [sampleXlsx(), "Quotas.xlsx"],
      [sampleOdt(), "Minutes.odt"],
    ];
    for (const [i, [bytes, name]] of files.entries()) {
      const body = await multipart({ file: upload(bytes, name) });
      const sized = i % 2 === 0;
      const res = await send(`/dialogues/${dialogueId}/files/upload`, {
        headers: { cookie, "content-type": body.type, ...(sized ? { "content-length": String(body.bytes.byteLength) } : {}) },
        chunks: sized ? [body.bytes] : [body.bytes.subarray(0, 100), body.bytes.subarray(100)],
      });
      expect(res.status, `${name}: ${res.text.slice(0, 300)}`).toBe(302);
      expect(res.headers.location).toBe(`/dialogues/${dialogueId}/files?done=uploaded`);
    }
    expect(await documentRows()).toBe(before + files.length);
  });

  it("a member's 3 MB document passes the small limit once the caller is known", async () => {
    const cookie = await sessionFor(member.email);
    const bytes = samplePdf("Large");
    const padded = new Uint8Array(3 * 1024 * 1024);
    padded.set(bytes);
    const body = await multipart({ file: upload(padded, "large.pdf") });
    const res = await send(`/dialogues/${dialogueId}/files/upload`, { headers: { cookie, "content-type": body.type }, chunks: [body.bytes] });
    expect(res.status, res.text.slice(0, 300)).toBe(302);
  });

  it("wrong type and too large are field errors or a clear 413, and store nothing", async () => {
    const cookie = await sessionFor(member.email);
    const before = { rows: await documentRows(), files: storedFiles() };
    const exe = await multipart({ file: upload(new Uint8Array(Buffer.from("MZ\x90\x00 not a document")), "tool.exe") });
    const wrong = await send(`/dialogues/${dialogueId}/files/upload`, { headers: { cookie, "content-type": exe.type }, chunks: [exe.bytes] });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain("Only PDF, Word (DOCX)");
    const over = new Uint8Array(MAX_UPLOAD_BYTES + 1);
    over.set(samplePdf("Too big"));
    const tooBig = await multipart({ file: upload(over, "huge.pdf") });
    const refused = await send(`/dialogues/${dialogueId}/files/upload`, { headers: { cookie, "content-type": tooBig.type, "content-length": String(tooBig.bytes.byteLength) }, chunks: [tooBig.bytes] });
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/too large|larger than/i);
    const huge = await sendUntilAnswered(
      `/dialogues/${dialogueId}/files/upload`,
      { cookie, "content-type": "multipart/form-data; boundary=xyz" },
      new Uint8Array(1024 * 1024),
      Math.ceil(UPLOAD_BODY_LIMIT / (1024 * 1024)) + 4,
    );
    expect(huge.status).toBe(413);
    expect(await documentRows()).toBe(before.rows);
    expect(storedFiles()).toBe(before.files);
  });

  it("staff attach a publication PDF from the edit page; a wrong type comes back as a field error", async () => {
    const cookie = await sessionFor(staff.email);
    const pdf = minimalPdf("Shipped brief", ["One page."]);
    const good = await multipart({ language: "en", pdf: upload(pdf, "brief.pdf", "application/pdf") });
    const res = await send(`/publications/${publicationId}/upload`, { headers: { cookie, "content-type": good.type }, chunks: [good.bytes] });
    expect(res.status, res.text.slice(0, 300)).toBe(303);
    expect(res.headers.location).toBe(`/publications/${publicationId}/edit`);
    const version = await prisma().publicationTranslation.findFirstOrThrow({ where: { publicationId, language: "EN" } });
    expect(version.pdfSize).toBe(pdf.byteLength);
    const files = storedFiles();
    const bad = await multipart({ language: "en", pdf: upload(sampleDocx(), "brief.pdf", "application/pdf") });
    const refused = await send(`/publications/${publicationId}/upload`, { headers: { cookie, "content-type": bad.type }, chunks: [bad.bytes] });
    expect(refused.status).toBe(303);
    expect(refused.headers.location).toContain("pdf_error=pdf_not_pdf");
    expect(storedFiles()).toBe(files);
    expect((await prisma().publicationTranslation.findFirstOrThrow({ where: { publicationId, language: "EN" } })).pdfKey).toBe(version.pdfKey);
  });
});
