import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { simpleParser } from "mailparser";
import nodemailer from "nodemailer";
import type Mail from "nodemailer/lib/mailer";
import { env } from "../app/utils/env.server.ts";
import { ehloName } from "../app/utils/mail-sender-env.server.ts";
import { ensurePrivateDir, writePrivateFileOnce } from "../app/utils/private-files.server.ts";

export interface Transport {
  /** Resolves once the message is accepted (by the SMTP server, or written to the mailbox); rejects otherwise. */
  send(message: Mail.Options): Promise<void>;
  close(): void;
}

export const mailDir = () => path.join(env().DATA_DIR, "mail");

/**
 * SMTP when SMTP_URL is set, over a pool of MAIL_CONNECTIONS reused connections; otherwise a mailbox of .eml
 * files under DATA_DIR/mail that admins read in the portal. With DKIM_* set, nodemailer signs every message on
 * both, whether composed or given as raw MIME (the bulk path): the signature is made over the bytes sent.
 */
export function createTransport(opts: { connections?: number } = {}): Transport {
  const { SMTP_URL, NODE_ENV, MAIL_CONNECTIONS, APP_URL, DKIM } = env();
  // The key parsed once: given as PEM text, every signature would parse it again (measured ~4× the signing cost).
  const dkim = DKIM ? { dkim: { ...DKIM, privateKey: crypto.createPrivateKey(DKIM.privateKey) } } : {};
  if (SMTP_URL) {
    const smtp = nodemailer.createTransport({
      url: SMTP_URL,
      pool: true,
      maxConnections: opts.connections ?? MAIL_CONNECTIONS,
      // Receivers compare the EHLO name with the connecting address's reverse DNS; the OS host name is often
      // a container id, and nodemailer then says "[127.0.0.1]".
      name: ehloName(APP_URL),
      ...dkim,
    });
    return { send: async (m) => void (await smtp.sendMail(m)), close: () => smtp.close() };
  }
  const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix", ...dkim });
  let dirReady = false;
  return {
    async send(message) {
      const info = await builder.sendMail(message);
      if (!dirReady) ensurePrivateDir(mailDir());
      dirReady = true;
      const id = String(message.messageId ?? info.messageId).replace(/[^a-z0-9]/gi, "").slice(0, 24);
      const file = path.join(mailDir(), `${new Date().toISOString().replace(/[:.]/g, "-")}-${id}.eml`);
      writePrivateFileOnce(file, info.message as Buffer);
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

const isMailboxFile = (file: string) => /^[\w.-]+\.eml$/.test(file) && !file.includes("..");

/** The header block only: listing 200 messages should not decode 200 bodies. */
function headerBlock(raw: string) {
  const end = raw.search(/\r?\n\r?\n/);
  return end < 0 ? raw : raw.slice(0, end) + "\n\n";
}

export async function listMailbox(limit = 200): Promise<MailboxEntry[]> {
  if (!fs.existsSync(mailDir())) return [];
  const files = fs
    .readdirSync(mailDir())
    .filter(isMailboxFile)
    .sort()
    .reverse()
    .slice(0, limit);
  return Promise.all(
    files.map(async (file) => {
      const mail = await simpleParser(headerBlock(fs.readFileSync(path.join(mailDir(), file), "utf8")));
      return {
        file,
        to: mail.to ? [mail.to].flat().map((a) => a.text).join(", ") : "",
        subject: mail.subject ?? "",
        date: mail.date?.toISOString() ?? "",
      };
    }),
  );
}

/** Returns the raw message, or null for anything that is not a mailbox file name (no path traversal). */
export function readMailboxMessage(file: string): string | null {
  if (!isMailboxFile(file)) return null;
  const full = path.join(mailDir(), file);
  return fs.existsSync(full) ? fs.readFileSync(full, "utf8") : null;
}

/** Retention: removes mailbox files older than `before`; returns how many. */
export function purgeMailbox(before: Date): number {
  if (!fs.existsSync(mailDir())) return 0;
  let removed = 0;
  for (const file of fs.readdirSync(mailDir()).filter(isMailboxFile)) {
    const full = path.join(mailDir(), file);
    if (fs.statSync(full).mtime < before) {
      fs.rmSync(full, { force: true });
      removed++;
    }
  }
  return removed;
}
