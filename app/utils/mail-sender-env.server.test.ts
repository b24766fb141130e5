import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { generateDkimKey } from "../../emails/dkim-keygen.ts";
import { EnvError, parseEnv } from "./env.server.ts";
import { ehloName, isReservedDomain } from "./mail-sender-env.server.ts";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "genmig-sender-env-"));
const base = { NODE_ENV: "test" as const, DATA_DIR: dir, SESSION_SECRET: "x".repeat(32) };
const key = generateDkimKey({ selector: "s1", domain: "partners.org" });
const dkim = { DKIM_DOMAIN: "partners.org", DKIM_SELECTOR: "s1", DKIM_PRIVATE_KEY: key.privateKeyPem };
const sending = { ...base, NODE_ENV: "production" as const, SMTP_URL: "smtp://relay.partners.org:587", APP_URL: "https://hub.partners.org", MAIL_FROM: "GenMig Hub <hub@partners.org>" };

const problem = (source: NodeJS.ProcessEnv) => {
  try {
    parseEnv(source);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return (error as Error).message;
  }
};

describe("DKIM settings", () => {
  it("reads the key from PEM text (also with \\n escapes, as one env line) or from a file", () => {
    expect(parseEnv({ ...base, ...dkim }).DKIM).toEqual({ domainName: "partners.org", keySelector: "s1", privateKey: key.privateKeyPem });
    expect(parseEnv({ ...base, ...dkim, DKIM_PRIVATE_KEY: key.privateKeyPem.trim().replace(/\n/g, "\\n") }).DKIM?.privateKey).toBe(key.privateKeyPem);
    const file = path.join(dir, "dkim.pem");
    fs.writeFileSync(file, key.privateKeyPem);
    expect(parseEnv({ ...base, ...dkim, DKIM_PRIVATE_KEY: undefined, DKIM_PRIVATE_KEY_FILE: file }).DKIM?.privateKey).toBe(key.privateKeyPem);
    expect(parseEnv(base).DKIM).toBeNull();
  });

  it("refuses an incomplete, unreadable or invalid DKIM configuration, naming the variable", () => {
    expect(problem({ ...base, DKIM_DOMAIN: "partners.org" })).toMatch(/missing DKIM_SELECTOR, DKIM_PRIVATE_KEY/);
    expect(problem({ ...base, ...dkim, DKIM_PRIVATE_KEY: "not a key" })).toMatch(/DKIM_PRIVATE_KEY: must be an RSA private key in PEM/);
    expect(problem({ ...base, ...dkim, DKIM_PRIVATE_KEY: undefined, DKIM_PRIVATE_KEY_FILE: path.join(dir, "missing.pem") })).toMatch(/DKIM_PRIVATE_KEY_FILE: cannot read .*missing\.pem \(ENOENT\)/);
    expect(problem({ ...base, ...dkim, DKIM_PRIVATE_KEY_FILE: "/x" })).toMatch(/not both/);
    expect(problem({ ...base, ...dkim, DKIM_SELECTOR: "a;b=c" })).toMatch(/DKIM_SELECTOR: /);
    expect(problem({ ...base, ...dkim, DKIM_DOMAIN: "localhost" })).toMatch(/DKIM_DOMAIN: /);
  });
});

describe("a real sender in production", () => {
  it("starts when SMTP delivery has a real address and DKIM, or a relay that signs", () => {
    expect(problem({ ...sending, ...dkim })).toBeNull();
    expect(problem({ ...sending, DKIM_SIGNED_BY_RELAY: "1" })).toBeNull();
  });

  it("refuses a reserved sender domain with a message that says what to do", () => {
    for (const from of ["hub@genmig.invalid", "GenMig <hub@example.org>", "hub@example.com", "a@mail.example.net", "hub@site.test", "hub@x.example", "root@localhost"]) {
      expect(problem({ ...sending, ...dkim, MAIL_FROM: from }), from).toMatch(/MAIL_FROM: .* cannot be delivered from: use an address on a domain you own/);
    }
    expect(problem({ ...sending, ...dkim, MAIL_FROM: undefined })).toMatch(/MAIL_FROM: hub@genmig\.invalid cannot be delivered from/);
  });

  it("refuses unsigned mail unless the relay signs it, and a missing APP_URL", () => {
    expect(problem(sending)).toMatch(/DKIM: mail sent through SMTP_URL in production must be DKIM-signed: .*dkim:keygen.*DKIM_SIGNED_BY_RELAY=1/);
    expect(problem({ ...sending, DKIM_SIGNED_BY_RELAY: "0" })).toMatch(/must be DKIM-signed/);
    expect(problem({ ...sending, ...dkim, APP_URL: undefined })).toMatch(/APP_URL: must be set when SMTP_URL is set in production/);
  });

  it("leaves the demo alone: production without SMTP_URL writes mail to the file mailbox, from any sender", () => {
    expect(problem({ ...base, NODE_ENV: "production" })).toBeNull();
    expect(problem({ ...base, SMTP_URL: "smtp://127.0.0.1:2525" })).toBeNull();
  });

  it("knows the reserved names and says EHLO as APP_URL's host", () => {
    expect(["genmig.invalid", "test", "a.localhost", "EXAMPLE.ORG", "example.com"].every(isReservedDomain)).toBe(true);
    expect(["partners.org", "example-ngo.org", "examples.com", "testing.org"].some(isReservedDomain)).toBe(false);
    expect(ehloName("https://hub.partners.org/base")).toBe("hub.partners.org");
    expect(ehloName("http://192.0.2.10:3000")).toBe("[192.0.2.10]");
    expect(ehloName("http://[2001:db8::1]:3000")).toBe("[IPv6:2001:db8::1]");
  });
});
