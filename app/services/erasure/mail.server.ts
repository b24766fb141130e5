import fs from "node:fs";
import path from "node:path";
import { simpleParser } from "mailparser";
import { mailDir } from "../../../emails/transport.ts";
import type { Client } from "../../utils/db.server.ts";
import { mentions, type Needles } from "./scrub.ts";

/**
 * Mail is a copy of what was said to or about a person, kept for delivery and a short retention: erasure removes
 * every message to the address, or naming the address or the id, whatever its state; a message that only names the
 * person is removed once delivered or failed (one still queued for someone else is theirs, and leaves soon).
 */
export async function eraseOutbox(tx: Client, n: Needles) {
  const candidates = await tx.$queryRaw<{ id: string; status: string; toAddress: string; content: string }[]>`
    SELECT id, status::text AS status, "toAddress",
           concat_ws(' ', subject, html, text, "icalContent", headers::text, "mergeData"::text) AS content
    FROM "OutboxMessage"
    WHERE lower("toAddress") = ${n.email}
       OR position(${n.email} in lower(concat_ws(' ', subject, html, text, "icalContent", headers::text, "mergeData"::text))) > 0
       OR (${n.id}::text IS NOT NULL AND position(${n.id ?? ""} in concat_ws(' ', subject, html, text, headers::text, "mergeData"::text)) > 0)
       OR (${n.name}::text IS NOT NULL AND position(lower(${n.name ?? ""}) in lower(concat_ws(' ', subject, html, text, "mergeData"::text))) > 0)`;
  const ids = candidates
    .filter((m) => m.toAddress.toLowerCase() === n.email || mentions(m.content, { ...n, name: null }) || ((m.status === "SENT" || m.status === "FAILED") && mentions(m.content, n)))
    .map((m) => m.id);
  if (ids.length) await tx.outboxMessage.deleteMany({ where: { id: { in: ids } } });
  return ids.length;
}

/** The file mailbox (no SMTP_URL): every delivered message to or about the person, read decoded, not only raw. */
export async function eraseMailboxFiles(n: Needles) {
  const dir = mailDir();
  if (!fs.existsSync(dir)) return 0;
  let removed = 0;
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".eml"))) {
    const full = path.join(dir, file);
    const raw = fs.readFileSync(full, "utf8");
    let hit = mentions(raw, n);
    if (!hit) {
      const mail = await simpleParser(raw);
      const headers = [...mail.headers.values()].map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(" ");
      hit = mentions(`${headers} ${mail.subject ?? ""} ${mail.text ?? ""} ${typeof mail.html === "string" ? mail.html : ""}`, n);
    }
    if (hit) {
      fs.rmSync(full, { force: true });
      removed++;
    }
  }
  return removed;
}
