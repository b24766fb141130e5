import crypto from "node:crypto";
import addressparser from "nodemailer/lib/addressparser";
import { encodeWords, foldLines, isPlainText, quoteString } from "nodemailer/lib/mime-funcs";
import { escapeHtml } from "../app/utils/html.ts";

// Bulk mail built as raw MIME (ADR 0007): a digest of 100,000 readers has a few hundred shared bodies, so each
// body is split and encoded once, and a message only escapes its reader's values, joins the pieces and wraps
// the lines. nodemailer's composer (a MIME tree and a stream pipeline per message) cost more CPU than the rest of
// the engine together. The result is what the composer makes: the same headers, multipart/alternative with a
// quoted-printable text and HTML part.

/** A template split at its `{{name}}` placeholders, static pieces already quoted-printable (lines not wrapped). */
interface Compiled {
  statics: string[];
  names: string[];
}

export interface CompiledBody {
  /** Shared bodies fill `{{name}}` from each reader's data; a message's own content is taken literally. */
  merge: boolean;
  subject: string;
  text: Compiled;
  html: Compiled;
  boundary: string;
}

/** `{{name}}` in a shared body: filled from each reader's merge data. */
export const PLACEHOLDER = /\{\{(\w+)\}\}/g;

/** What `{{name}}` becomes: the reader's value, escaped in HTML; an unknown name becomes empty, so a template typo
 * never leaks a placeholder (nor another field) into a reader's mail. */
export function placeholderValue(data: Record<string, string>, name: string, html: boolean) {
  const value = Object.hasOwn(data, name) ? String(data[name]) : "";
  return html ? escapeHtml(value) : value;
}
// `=`, control characters other than tab and line breaks, and runs of non-ASCII (encoded as their UTF-8 bytes).
// eslint-disable-next-line no-control-regex
const QP_UNSAFE = /[=\x00-\x08\x0b\x0c\x0e-\x1f]|[\x7f-\uffff]+/g;
const hex = Array.from({ length: 256 }, (_, b) => `=${b.toString(16).toUpperCase().padStart(2, "0")}`);

const qpChar = (s: string) => {
  let out = "";
  for (const byte of Buffer.from(s, "utf8")) out += hex[byte];
  return out;
};

/** Quoted-printable escaping without line wrapping (wrap() does that once the pieces are joined); CRLF breaks. */
export function qpEscape(s: string) {
  return s.replace(/\r\n|\r|\n/g, "\n").replace(QP_UNSAFE, qpChar).replace(/\n/g, "\r\n");
}

/**
 * Soft line breaks so no encoded line exceeds 76 characters (RFC 2045), never inside an `=XX`; whitespace at
 * the end of a line is encoded, as a receiver may strip it.
 */
export function wrap(body: string) {
  let out = "";
  let start = 0;
  for (;;) {
    let eol = body.indexOf("\r\n", start);
    const last = eol === -1;
    if (last) eol = body.length;
    let line = body.slice(start, eol);
    const end = line.charCodeAt(line.length - 1);
    if (end === 32 || end === 9) line = line.slice(0, -1) + (end === 32 ? "=20" : "=09");
    while (line.length > 76) {
      let cut = 75;
      const eq = line.lastIndexOf("=", cut - 1);
      if (eq >= cut - 2) cut = eq;
      out += line.slice(0, cut) + "=\r\n";
      line = line.slice(cut);
    }
    out += line;
    if (last) return out;
    out += "\r\n";
    start = eol + 2;
  }
}

function compile(template: string): Compiled {
  const statics: string[] = [];
  const names: string[] = [];
  let at = 0;
  for (const m of template.matchAll(PLACEHOLDER)) {
    statics.push(qpEscape(template.slice(at, m.index)));
    names.push(m[1]);
    at = m.index + m[0].length;
  }
  statics.push(qpEscape(template.slice(at)));
  return { statics, names };
}

const newBoundary = () => `--_GenMig-${crypto.randomBytes(12).toString("hex")}-alt`;

export function compileBody(body: { subject: string; html: string; text: string }): CompiledBody {
  return { merge: true, subject: body.subject, text: compile(body.text), html: compile(body.html), boundary: newBoundary() };
}

/** A message's own subject and parts (bulk mail queued without a shared body): no placeholders. */
export function literalBody(content: { subject: string; html: string; text: string }): CompiledBody {
  const literal = (s: string) => ({ statics: [qpEscape(s)], names: [] });
  return { merge: false, subject: content.subject, text: literal(content.text), html: literal(content.html), boundary: newBoundary() };
}

/** The same values as merge() in mail-bodies.ts, quoted-printable. */
function fill(part: Compiled, data: Record<string, string>, html: boolean) {
  let out = part.statics[0];
  for (let i = 0; i < part.names.length; i++) out += qpEscape(placeholderValue(data, part.names[i], html)) + part.statics[i + 1];
  return wrap(out);
}

/** One header line as nodemailer writes it: line breaks flattened, non-ASCII as encoded words, folded at 76. */
function header(name: string, value: string) {
  const flat = value.replace(/\r?\n|\r/g, " ");
  return `${foldLines(`${name}: ${isPlainText(flat) ? flat : encodeWords(flat, "Q", 52)}`, 76)}\r\n`;
}

/** The From header and envelope sender for a MAIL_FROM value such as `GenMig Hub <hub@example.org>`. */
export function sender(from: string) {
  const parsed = addressparser(from, { flatten: true })[0] as { name?: string; address?: string } | undefined;
  const address = parsed?.address || from.trim();
  const name = parsed?.name ?? "";
  const display = !name ? "" : isPlainText(name) ? (/^[\w ]*$/.test(name) ? name : quoteString(name)) : encodeWords(name, "Q", 52);
  return { address, header: header("From", display ? `${display} <${address}>` : address) };
}

let dateSecond = 0;
let dateHeader = "";
/** RFC 5322 date of now, as nodemailer writes it; one string per second. */
function date() {
  const second = Math.floor(Date.now() / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateHeader = header("Date", new Date(second * 1000).toUTCString().replace(/GMT/, "+0000"));
  }
  return dateHeader;
}

export interface RawMessage {
  envelope: { from: string; to: string[] };
  raw: string;
  /** Already in `raw`; given again for transports that name what they store by it (the file mailbox). */
  messageId: string;
}

/** A bulk message ready for the wire: the shared body merged with one reader's data, and its own headers. */
export function buildRaw(
  body: CompiledBody,
  from: { address: string; header: string },
  message: { toAddress: string; messageId: string; mergeData: Record<string, string>; headers: Record<string, string> | null },
): RawMessage {
  const data = message.mergeData;
  let head = "";
  if (message.headers) for (const name in message.headers) head += header(name, message.headers[name]);
  const subject = !body.merge ? body.subject : body.subject.replace(PLACEHOLDER, (_, name: string) => (Object.hasOwn(data, name) ? String(data[name]) : ""));
  head +=
    from.header +
    header("To", message.toAddress) +
    header("Subject", subject) +
    header("Message-ID", message.messageId) +
    date() +
    "MIME-Version: 1.0\r\n";
  const part = (type: string) => `Content-Type: ${type}; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n`;
  const text = fill(body.text, data, false);
  // No HTML: a plain text message, as the composer makes it.
  const raw =
    body.html.names.length === 0 && body.html.statics[0] === ""
      ? `${head}${part("text/plain")}${text}\r\n`
      : `${head}Content-Type: multipart/alternative;\r\n boundary="${body.boundary}"\r\n\r\n` +
        `--${body.boundary}\r\n${part("text/plain")}${text}\r\n--${body.boundary}\r\n${part("text/html")}${fill(body.html, data, true)}\r\n--${body.boundary}--\r\n`;
  return { envelope: { from: from.address, to: [message.toAddress] }, raw, messageId: message.messageId };
}
