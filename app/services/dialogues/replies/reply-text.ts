import EmailReplyParser from "email-reply-parser";

/**
 * The new text of an emailed reply: what the person wrote above the quoted notice, without their signature.
 * email-reply-parser knows the common quote headers and signatures; mail clients of the three working languages add
 * a few shapes it misses or only half catches, which are cut here first (the first line that starts a quote ends
 * the reply):
 * - Gmail, Thunderbird, Apple Mail: "On … wrote:", "Le … a écrit :", "El … escribió:", also wrapped on two lines;
 * - Outlook: "-----Original Message-----" (and its FR/ES wording), a "____" rule, or a header block
 *   "From:/De :/De:" followed within three lines by "Sent:/Envoyé :/Enviado el:/Date :/Fecha:".
 */
const ATTRIBUTION = /^\s*(On|Le|El)\b.{0,200}?\b(wrote|a écrit|escribió)\s?:\s*$/i;
const ORIGINAL = /^\s*-{2,}\s*(Original Message|Message d'origine|Mensaje original|Forwarded message|Message transféré|Mensaje reenviado)\s*-{2,}\s*$/i;
const RULE = /^\s*_{10,}\s*$/;
const HEADER_FROM = /^\s*\*?(From|De|Von)\s?:\*?\s+\S/i;
const HEADER_NEXT = /^\s*\*?(Sent|Date|Envoyé|Enviado|Fecha|To|À|Para|Subject|Objet|Asunto)( el)?\s?:/i;

function quoteStart(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (ATTRIBUTION.test(line) || ORIGINAL.test(line)) return i;
    // An attribution wrapped by the client: "On Mon, 7 Dec 2026 at 10:00, Ana <ana@…>" / "wrote:".
    if (/^\s*(On|Le|El)\s/i.test(line) && i + 1 < lines.length && ATTRIBUTION.test(`${line} ${lines[i + 1]}`)) return i;
    if (RULE.test(line) && lines.slice(i + 1, i + 3).some((l) => HEADER_FROM.test(l))) return i;
    if (HEADER_FROM.test(line) && lines.slice(i + 1, i + 4).some((l) => HEADER_NEXT.test(l))) return i;
    // Everything from the first quoted line on: clients that quote without any header.
    if (/^\s*>/.test(line)) return i;
  }
  return lines.length;
}

export function replyText(body: string): string {
  const lines = body.replace(/\r\n?/g, "\n").split("\n");
  const own = lines.slice(0, quoteStart(lines)).join("\n");
  const visible = new EmailReplyParser().parseReply(own);
  return visible.replace(/\n{3,}/g, "\n\n").trim();
}
