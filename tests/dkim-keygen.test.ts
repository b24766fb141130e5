import { execFile } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { dkimVerify } from "mailauth";
import { describe, expect, it } from "vitest";
import { listUnsubscribeHeaders } from "../app/services/subscriptions/links.server.ts";
import { prisma } from "../app/utils/db.server.ts";
import { resetEnv } from "../app/utils/env.server.ts";
import { enqueueEmails } from "../emails/outbox.ts";
import { deliverDue } from "../emails/worker.ts";
import { startSmtpSink } from "./helpers/smtp-sink.ts";

// What an operator does: `npm run cli -- dkim:keygen`, publish the record, set the variables it printed, send
// mail, and see receivers verify the signature against that record.

const run = promisify(execFile);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "genmig-dkim-"));

async function cli(args: string[], extraEnv: Record<string, string> = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "development", DATA_DIR: dir, ...extraEnv };
  for (const name of ["DKIM_DOMAIN", "DKIM_SELECTOR", "DKIM_PRIVATE_KEY", "DKIM_PRIVATE_KEY_FILE"]) if (!extraEnv[name]) delete env[name];
  try {
    const { stdout, stderr } = await run("npm", ["run", "--silent", "cli", "--", "dkim:keygen", ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The zone-file line and the TXT value it publishes (its quoted strings joined, as DNS resolvers return them). */
function record(stdout: string, selector: string, domain: string) {
  const line = stdout.split("\n").find((l) => l.startsWith(`${selector}._domainkey.${domain} IN TXT "`));
  expect(line, stdout).toBeDefined();
  const strings = [...line!.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
  return { line: line!, strings, value: strings.join("") };
}

// Each call is a new process loading the CLI through tsx: slow on a busy machine, so these tests wait longer.
describe("npm run cli -- dkim:keygen", { timeout: 180_000 }, () => {
  it("prints an RSA 2048 key and its DNS record; with them set, sent mail verifies against that record", async () => {
    const out = await cli(["--selector", "hub202612", "--domain", "genmig.invalid"]);
    expect(out.code, out.stderr).toBe(0);
    const pem = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n/.exec(out.stdout)?.[0];
    expect(pem).toBeDefined();
    const privateKey = crypto.createPrivateKey(pem!);
    expect(privateKey.asymmetricKeyType).toBe("rsa");
    expect(privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(out.stdout).toContain("DKIM_DOMAIN=genmig.invalid\nDKIM_SELECTOR=hub202612");
    const { strings, value } = record(out.stdout, "hub202612", "genmig.invalid");
    expect(strings.every((s) => s.length <= 255)).toBe(true);
    expect(value).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]+$/);
    expect(out.stdout).toContain(`value:\n${value}\n`);
    const published = crypto.createPublicKey({ key: Buffer.from(value.split("p=")[1], "base64"), format: "der", type: "spki" });
    expect(published.export({ format: "pem", type: "spki" })).toBe(crypto.createPublicKey(privateKey).export({ format: "pem", type: "spki" }));

    // The operator sets what was printed (the key as one line with \n escapes) and the hub sends a bulk mail.
    Object.assign(process.env, { DKIM_DOMAIN: "genmig.invalid", DKIM_SELECTOR: "hub202612", DKIM_PRIVATE_KEY: pem!.replace(/\n/g, "\\n") });
    const sink = await startSmtpSink();
    try {
      const headers = listUnsubscribeHeaders({ kind: "subscriber", id: "ckreader1", preferenceTokenVersion: 1 });
      await enqueueEmails(prisma(), [{ key: "digest:operator:1", to: "reader@example.org", subject: "Digest", html: "<p>Nouveau</p>", text: "Nouveau", headers }], { priority: "BULK" });
      await deliverDue();
      const [mail] = await sink.waitFor(1);
      const resolver = async (name: string) => (name === "hub202612._domainkey.genmig.invalid" ? [strings] : Promise.reject(Object.assign(new Error("NXDOMAIN"), { code: "ENOTFOUND" })));
      const { results } = await dkimVerify(mail.raw, { resolver });
      expect(results.map((r) => r.status.result)).toEqual(["pass"]);
      const h = /\bh=([^;]+);/.exec(mail.raw.slice(0, mail.raw.indexOf("\r\n\r\n")))![1].replace(/\s+/g, "").split(":");
      expect(h).toEqual(expect.arrayContaining(["list-unsubscribe", "list-unsubscribe-post"]));
    } finally {
      await sink.stop();
      for (const name of ["DKIM_DOMAIN", "DKIM_SELECTOR", "DKIM_PRIVATE_KEY"]) delete process.env[name];
      resetEnv();
    }
  });

  it("writes the key to --out readable by its owner only, and never overwrites a key", async () => {
    const file = path.join(dir, "dkim.pem");
    const first = await cli(["--selector", "s1", "--domain", "partners.org", "--out", file]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).not.toContain("PRIVATE KEY-----");
    expect(first.stdout).toContain(`DKIM_PRIVATE_KEY_FILE=${file}`);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(crypto.createPrivateKey(fs.readFileSync(file)).asymmetricKeyDetails?.modulusLength).toBe(2048);
    const before = fs.readFileSync(file, "utf8");
    const again = await cli(["--selector", "s2", "--domain", "partners.org", "--out", file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("exists already");
    expect(fs.readFileSync(file, "utf8")).toBe(before);
  });

  it("takes the domain from DKIM_DOMAIN or MAIL_FROM, names the selector by month, and runs while the configuration is incomplete", async () => {
    const month = new Date().toISOString().slice(0, 7).replace("-", "");
    // DKIM_DOMAIN alone is an incomplete configuration the hub refuses; making the key is how it gets completed.
    const fromSetting = await cli([], { DKIM_DOMAIN: "partners.org" });
    expect(fromSetting.code, fromSetting.stderr).toBe(0);
    record(fromSetting.stdout, `genmig${month}`, "partners.org");
    const fromSender = await cli(["--selector", "k1"], { MAIL_FROM: "GenMig Hub <hub@mail.partners.org>" });
    record(fromSender.stdout, "k1", "mail.partners.org");
    const bad = await cli(["--selector", "a;b", "--domain", "partners.org"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("--selector must be letters, digits and hyphens");
  });
});

// The demo side (production without SMTP_URL, placeholder sender) is every shipped-hub test: they start that way.
describe("starting with a sender providers would refuse", { timeout: 180_000 }, () => {
  it("the server refuses at start in production when SMTP_URL is set, saying why", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", DATA_DIR: dir, SMTP_URL: "smtp://127.0.0.1:9", APP_URL: "https://hub.partners.org" };
    for (const name of ["MAIL_FROM", "DKIM_DOMAIN", "DKIM_SELECTOR", "DKIM_PRIVATE_KEY", "DKIM_PRIVATE_KEY_FILE", "DKIM_SIGNED_BY_RELAY", "DATABASE_URL"]) delete env[name];
    const started = await run(process.execPath, ["--import", "tsx", "server.ts"], { env, timeout: 120_000 }).then(
      () => ({ code: 0, stdout: "", stderr: "" }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(started.code).toBe(1);
    // The refusal is the server's last log line (JSON on stdout, ADR 0051).
    const said = started.stdout + started.stderr;
    expect(said).toContain("MAIL_FROM: hub@genmig.invalid cannot be delivered from");
    expect(said).toContain("must be DKIM-signed");
  });
});
