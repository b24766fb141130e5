import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { admitRequest } from "../app/http/guard.server.ts";
import { bodyLimitFor, FORM_BODY_LIMIT, UPLOAD_BODY_LIMIT } from "../app/http/limits.ts";
import { DatabaseFileStore, DiskFileStore, fileStore, type FileStore } from "../app/services/storage/file-store.server.ts";
import { detectFileKind, safeDisplayName } from "../app/services/storage/file-types.ts";
import { contentDisposition, fileResponse, storeUpload } from "../app/services/storage/uploads.server.ts";
import { env, parseEnv } from "../app/utils/env.server.ts";
import { makeUser } from "./factories.ts";
import { Client } from "./helpers/app.ts";
import { sampleDocx, sampleOdt, samplePdf, sampleXlsx, upload, zip } from "./helpers/documents.ts";
import { signInAs } from "./helpers/sign-in.ts";

describe("file kinds are read from the bytes", () => {
  it("recognises PDF, DOCX, XLSX and ODT", () => {
    expect(detectFileKind(samplePdf())).toBe("pdf");
    expect(detectFileKind(sampleDocx())).toBe("docx");
    expect(detectFileKind(sampleXlsx())).toBe("xlsx");
    expect(detectFileKind(sampleOdt())).toBe("odt");
  });

  it("refuses other files whatever their name says", () => {
    expect(detectFileKind(new Uint8Array(Buffer.from("<html><script>alert(1)</script>")))).toBeNull();
    expect(detectFileKind(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBeNull();
    expect(detectFileKind(zip([["readme.txt", "hello"]]))).toBeNull();
    expect(detectFileKind(zip([["mimetype", "application/vnd.oasis.opendocument.spreadsheet"]]))).toBeNull();
    expect(detectFileKind(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0xff, 0xff]))).toBeNull();
    expect(detectFileKind(new Uint8Array())).toBeNull();
  });
});

describe("display names", () => {
  it("drops directories, control characters and takes the real kind's extension", () => {
    expect(safeDisplayName("../../etc/passwd", "pdf")).toBe("passwd.pdf");
    expect(safeDisplayName("C:\\Users\\x\\Note de cadrage.docx", "docx")).toBe("Note de cadrage.docx");
    expect(safeDisplayName("report\r\nSet-Cookie: a=b.pdf", "pdf")).toBe("reportSet-Cookie a=b.pdf");
    expect(safeDisplayName("..", "odt")).toBe("document.odt");
    expect(safeDisplayName("brief.exe", "pdf")).toBe("brief.pdf");
    expect(safeDisplayName("x".repeat(400) + ".pdf", "pdf")).toHaveLength(144);
    expect(safeDisplayName("Migración y género.pdf", "pdf")).toBe("Migración y género.pdf");
  });

  it("offers an ASCII fallback and the UTF-8 name on download", () => {
    expect(contentDisposition('Migración "y" género.pdf')).toBe(
      `attachment; filename="Migracion y genero.pdf"; filename*=UTF-8''Migraci%C3%B3n%20%22y%22%20g%C3%A9nero.pdf`,
    );
  });
});

describe("upload forms may carry 25 MB, other forms 1 MB, and only for callers allowed to upload there", () => {
  it("applies the upload limit only to multipart bodies to paths ending in /upload, and only when allowed", () => {
    const multipart = "multipart/form-data; boundary=x";
    expect(bodyLimitFor("/dialogues/abc/upload", multipart, true)).toBe(UPLOAD_BODY_LIMIT);
    expect(bodyLimitFor("/dialogues/abc/upload", multipart, false)).toBe(FORM_BODY_LIMIT);
    expect(bodyLimitFor("/dialogues/abc/upload", "application/x-www-form-urlencoded", true)).toBe(FORM_BODY_LIMIT);
    expect(bodyLimitFor("/dialogues/abc/upload/x", multipart, true)).toBe(FORM_BODY_LIMIT);
    expect(bodyLimitFor("/dialogues/abc", multipart, true)).toBe(FORM_BODY_LIMIT);
  });

  it("lets a 2 MB document through to an upload path for staff only, and refuses more than the upload limit", async () => {
    const staff = await signInAs(new Client(), (await makeUser({ role: "STAFF" })).email);
    const cookie = [...staff.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const post = async (path: string, bytes: number, who: "staff" | "anonymous") => {
      const form = new FormData();
      form.set("title", "Note");
      form.set("file", upload(new Uint8Array(bytes), "note.pdf"));
      const encoded = new Response(form);
      const headers: Record<string, string> = { origin: env().APP_URL, "content-type": encoded.headers.get("content-type")! };
      if (who === "staff") headers.cookie = cookie;
      // chunked, as a streaming client sends it: the reader counts what it reads
      const admitted = await admitRequest(new Request(`${env().APP_URL}${path}`, { method: "POST", body: encoded.body, headers, duplex: "half" } as RequestInit), {});
      return admitted instanceof Response ? admitted.status : "admitted";
    };
    expect(await post("/publications/abc/upload", 2 * 1024 * 1024, "staff")).toBe("admitted");
    expect(await post("/publications/abc/upload", 2 * 1024 * 1024, "anonymous")).toBe(413);
    expect(await post("/publications/abc", 2 * 1024 * 1024, "staff")).toBe(413);
    expect(await post("/publications/abc/upload", UPLOAD_BODY_LIMIT + 1, "staff")).toBe(413);
  });
});

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
const stores: [string, () => FileStore][] = [
  ["disk", () => new DiskFileStore(path.join(env().DATA_DIR, "files"))],
  // FILE_STORE=database is for several processes on PostgreSQL; the embedded database refuses it at start.
  ...(onPostgres ? [["database", () => new DatabaseFileStore()] as [string, () => FileStore]] : []),
];

describe.each(stores)("the %s store", (_name, make) => {
  it("keeps the bytes, answers null once removed, and refuses keys that could name a path", async () => {
    const store = make();
    const stored = await storeUpload(upload(samplePdf("round trip"), "brief.pdf", "application/pdf"), ["pdf"], { store });
    expect(stored.ok).toBe(true);
    if (!stored.ok) return;
    expect(stored.file).toMatchObject({ kind: "pdf", contentType: "application/pdf", displayName: "brief.pdf" });
    expect(Buffer.from((await store.get(stored.file.key))!)).toEqual(Buffer.from(samplePdf("round trip")));

    const response = await fileResponse(stored.file, { store });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="brief.pdf"/);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    expect(Buffer.from(await response.arrayBuffer())).toEqual(Buffer.from(samplePdf("round trip")));

    await store.remove(stored.file.key);
    expect(await store.get(stored.file.key)).toBeNull();
    expect((await fileResponse(stored.file, { store })).status).toBe(404);
    await expect(store.get("../../session-secret")).rejects.toThrow(/Invalid file key/);
    await expect(store.put("../x".padEnd(32, "a"), samplePdf())).rejects.toThrow(/Invalid file key/);
  });

  it("stores nothing when the file is missing, too large or of a refused kind", async () => {
    const store = make();
    const before = await countStored();
    expect(await storeUpload(null, ["pdf"], { store })).toEqual({ ok: false, error: "missing" });
    expect(await storeUpload("text", ["pdf"], { store })).toEqual({ ok: false, error: "missing" });
    expect(await storeUpload(upload(new Uint8Array(), "empty.pdf"), ["pdf"], { store })).toEqual({ ok: false, error: "missing" });
    expect(await storeUpload(upload(samplePdf(), "big.pdf"), ["pdf"], { store, maxBytes: 10 })).toEqual({ ok: false, error: "too_large" });
    expect(await storeUpload(upload(sampleDocx(), "renamed.pdf", "application/pdf"), ["pdf"], { store })).toEqual({ ok: false, error: "type" });
    expect(await storeUpload(upload(new Uint8Array(Buffer.from("<svg onload=alert(1)>")), "x.pdf"), ["pdf", "docx"], { store })).toEqual({
      ok: false,
      error: "type",
    });
    expect(await countStored()).toBe(before);
  });
});

async function countStored() {
  const { prisma } = await import("../app/utils/db.server.ts");
  const dir = path.join(env().DATA_DIR, "files");
  const onDisk = fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).filter((f) => !fs.statSync(path.join(dir, String(f))).isDirectory()).length : 0;
  return onDisk + (await prisma().storedFile.count());
}

describe("configuration", () => {
  it("uses the disk unless FILE_STORE=database, which needs PostgreSQL", () => {
    expect(fileStore()).toBeInstanceOf(DiskFileStore);
    expect(() => parseEnv({ NODE_ENV: "test", DATA_DIR: env().DATA_DIR, FILE_STORE: "database" })).toThrow(/FILE_STORE: database needs DATABASE_URL=postgres/);
    expect(() => parseEnv({ NODE_ENV: "test", DATA_DIR: env().DATA_DIR, FILE_STORE: "s3" })).toThrow(/FILE_STORE: must be disk or database/);
    expect(parseEnv({ NODE_ENV: "test", DATA_DIR: env().DATA_DIR, FILE_STORE: "database", DATABASE_URL: "postgres://db/hub" }).FILE_STORE).toBe("database");
  });
});
