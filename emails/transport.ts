import fs from "node:fs";
import path from "node:path";
import nodemailer from "nodemailer";
import type Mail from "nodemailer/lib/mailer";
import { env } from "../app/utils/env.server.ts";

export interface Transport {
  send(message: Mail.Options): Promise<void>;
  close(): void;
}

const mailDir = () => path.join(env().DATA_DIR, "mail");

/** SMTP when SMTP_URL is set; otherwise a mailbox of .eml files under DATA_DIR/mail that admins read in the portal. */
export function createTransport(): Transport {
  const { SMTP_URL, NODE_ENV } = env();
  if (SMTP_URL) {
    const smtp = nodemailer.createTransport(SMTP_URL);
    return { send: async (m) => void (await smtp.sendMail(m)), close: () => smtp.close() };
  }
  const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return {
    async send(message) {
      const info = await builder.sendMail(message);
      fs.mkdirSync(mailDir(), { recursive: true });
      const id = String(message.messageId ?? info.messageId).replace(/[^a-z0-9]/gi, "").slice(0, 24);
      const file = path.join(mailDir(), `${new Date().toISOString().replace(/[:.]/g, "-")}-${id}.eml`);
      fs.writeFileSync(file, info.message as Buffer);
      if (NODE_ENV === "development") {
        const links = String(message.text ?? "").match(/https?:\/\/\S*\/auth\/\S+/g) ?? [];
        console.log(`[mail] to ${String(message.to)}: ${String(message.subject)}${links.length ? ` ${links.join(" ")}` : ""}`);
      }
    },
    close() {},
  };
}

export interface MailboxEntry {
  file: string;
  to: string;
  subject: string;
  date: string;
}

function decodeHeader(value: string) {
  // RFC 2047 encoded-words, as nodemailer writes non-ASCII subjects
  return value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_m, enc: string, text: string) =>
    enc.toLowerCase() === "b"
      ? Buffer.from(text, "base64").toString("utf8")
      : Buffer.from(text.replace(/_/g, " ").replace(/=([0-9a-f]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), "latin1").toString("utf8"),
  );
}

export function parseHeaders(raw: string): Record<string, string> {
  const head = raw.split(/\r?\n\r?\n/, 1)[0].replace(/\r?\n[ \t]+/g, " ");
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const i = line.indexOf(":");
    if (i > 0) headers[line.slice(0, i).toLowerCase()] ??= decodeHeader(line.slice(i + 1).trim()).replace(/\?=\s+=\?/g, "");
  }
  return headers;
}

export function listMailbox(limit = 200): MailboxEntry[] {
  if (!fs.existsSync(mailDir())) return [];
  return fs
    .readdirSync(mailDir())
    .filter((f) => f.endsWith(".eml"))
    .sort()
    .reverse()
    .slice(0, limit)
    .map((file) => {
      const h = parseHeaders(fs.readFileSync(path.join(mailDir(), file), "utf8").slice(0, 8192));
      return { file, to: h.to ?? "", subject: h.subject ?? "", date: h.date ?? "" };
    });
}

/** Returns the raw message, or null for anything that is not a mailbox file name (no path traversal). */
export function readMailboxMessage(file: string): string | null {
  if (!/^[\w.-]+\.eml$/.test(file) || file.includes("..")) return null;
  const full = path.join(mailDir(), file);
  return fs.existsSync(full) ? fs.readFileSync(full, "utf8") : null;
}
