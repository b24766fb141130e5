import crypto from "node:crypto";
import fs from "node:fs";
import addressparser from "nodemailer/lib/addressparser";

// The sender identity in the environment (ADR 0042): the DKIM key the hub signs with, and, where mail really
// leaves the machine, a sender that mailbox providers can trust.

export interface DkimKey {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

export interface SenderSettings {
  NODE_ENV: string;
  SMTP_URL?: string;
  APP_URL?: string;
  MAIL_FROM: string;
  DKIM_DOMAIN?: string;
  DKIM_SELECTOR?: string;
  DKIM_PRIVATE_KEY?: string;
  DKIM_PRIVATE_KEY_FILE?: string;
  DKIM_SIGNED_BY_RELAY?: "0" | "1";
}

const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const DOMAIN = new RegExp(`^${LABEL}(?:\\.${LABEL})+$`, "i");
const SELECTOR = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`, "i");

/** Names that never reach a real mailbox (RFC 2606, RFC 6761): mail from them fails every provider's checks. */
export function isReservedDomain(domain: string) {
  const d = domain.toLowerCase().replace(/\.$/, "");
  if (d === "localhost" || /\.(invalid|test|example|localhost)$/.test(d) || ["invalid", "test", "example"].includes(d)) return true;
  return /(^|\.)example\.(com|org|net)$/.test(d);
}

export const addressOf = (from: string) => {
  const parsed = addressparser(from, { flatten: true })[0] as { address?: string } | undefined;
  return (parsed?.address || from).trim();
};

/** A PEM given in one environment line usually carries `\n` escapes (Docker, .env files). */
const pem = (value: string) => value.replace(/\\n/g, "\n").trim() + "\n";

function readKey(s: SenderSettings, problems: string[]): string | null {
  if (s.DKIM_PRIVATE_KEY && s.DKIM_PRIVATE_KEY_FILE) {
    problems.push("DKIM_PRIVATE_KEY: set DKIM_PRIVATE_KEY or DKIM_PRIVATE_KEY_FILE, not both");
    return null;
  }
  let key = s.DKIM_PRIVATE_KEY ? pem(s.DKIM_PRIVATE_KEY) : null;
  if (s.DKIM_PRIVATE_KEY_FILE) {
    try {
      key = pem(fs.readFileSync(s.DKIM_PRIVATE_KEY_FILE, "utf8"));
    } catch (error) {
      problems.push(`DKIM_PRIVATE_KEY_FILE: cannot read ${s.DKIM_PRIVATE_KEY_FILE} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
      return null;
    }
  }
  if (!key) return null;
  try {
    const parsed = crypto.createPrivateKey(key);
    if (parsed.asymmetricKeyType !== "rsa") throw new Error("not RSA");
    if ((parsed.asymmetricKeyDetails?.modulusLength ?? 0) < 1024) throw new Error("too short");
  } catch {
    problems.push(`${s.DKIM_PRIVATE_KEY_FILE ? "DKIM_PRIVATE_KEY_FILE" : "DKIM_PRIVATE_KEY"}: must be an RSA private key in PEM (1024 bits or more), such as the one npm run cli -- dkim:keygen prints`);
    return null;
  }
  return key;
}

/** The DKIM key (null when not configured) and every problem found, each naming its variable. */
export function senderSettings(s: SenderSettings): { dkim: DkimKey | null; problems: string[] } {
  const problems: string[] = [];
  const key = readKey(s, problems);
  const given = [s.DKIM_DOMAIN, s.DKIM_SELECTOR, s.DKIM_PRIVATE_KEY ?? s.DKIM_PRIVATE_KEY_FILE];
  if (given.some(Boolean) && !given.every(Boolean)) {
    const missing = [!s.DKIM_DOMAIN && "DKIM_DOMAIN", !s.DKIM_SELECTOR && "DKIM_SELECTOR", !given[2] && "DKIM_PRIVATE_KEY (or DKIM_PRIVATE_KEY_FILE)"].filter(Boolean);
    problems.push(`DKIM: DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY go together; missing ${missing.join(", ")}`);
  }
  if (s.DKIM_DOMAIN && !DOMAIN.test(s.DKIM_DOMAIN)) problems.push("DKIM_DOMAIN: must be a domain name such as example.org");
  if (s.DKIM_SELECTOR && !SELECTOR.test(s.DKIM_SELECTOR)) problems.push("DKIM_SELECTOR: must be letters, digits and hyphens, such as genmig202612");
  const dkim = key && s.DKIM_DOMAIN && s.DKIM_SELECTOR && !problems.length ? { domainName: s.DKIM_DOMAIN.toLowerCase(), keySelector: s.DKIM_SELECTOR, privateKey: key } : null;

  // Only where mail really leaves the machine: without SMTP_URL (the demo, `npm start`) mail goes to the file
  // mailbox under DATA_DIR and reaches nobody, so a placeholder sender harms no one there.
  if (s.NODE_ENV === "production" && s.SMTP_URL) {
    const address = addressOf(s.MAIL_FROM);
    const domain = address.includes("@") ? address.slice(address.lastIndexOf("@") + 1) : "";
    if (!domain || isReservedDomain(domain)) {
      problems.push(`MAIL_FROM: ${address} cannot be delivered from: use an address on a domain you own (reserved names such as .invalid, .test, .example, example.org and localhost are refused when SMTP_URL is set in production)`);
    }
    if (!dkim && s.DKIM_SIGNED_BY_RELAY !== "1" && !problems.some((p) => p.startsWith("DKIM"))) {
      problems.push("DKIM: mail sent through SMTP_URL in production must be DKIM-signed: set DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY (npm run cli -- dkim:keygen), or DKIM_SIGNED_BY_RELAY=1 if the relay signs it");
    }
    if (!s.APP_URL) problems.push("APP_URL: must be set when SMTP_URL is set in production (links in mail and the SMTP EHLO name come from it)");
  }
  return { dkim, problems };
}

/** What the hub says in EHLO: APP_URL's host (an address literal in brackets), never a guess from the OS. */
export function ehloName(appUrl: string) {
  const host = new URL(appUrl).hostname;
  if (host.startsWith("[")) return `[IPv6:${host.slice(1, -1)}]`;
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) ? `[${host}]` : host;
}
