import { simpleParser } from "mailparser";
import nodemailer from "nodemailer";
import { describe, expect, it } from "vitest";
import { merge } from "./mail-bodies.ts";
import { buildRaw, compileBody, literalBody, qpEscape, sender, wrap } from "./mime.ts";

// Raw bulk messages must read exactly like nodemailer's composer output for the same content.
const composer = nodemailer.createTransport({ streamTransport: true, buffer: true });
const from = "GenMig Hub <hub@genmig.invalid>";
const headers = {
  "List-Unsubscribe": `<https://hub.example.org/unsubscribe/${"t".repeat(90)}>, <mailto:unsubscribe@genmig.invalid>`,
  "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
};

async function compare(raw: string, content: { subject: string; html?: string; text: string }) {
  const mine = await simpleParser(raw);
  const info = await composer.sendMail({ from, to: "reader@example.org", ...content, messageId: "<id1@hub.test>", headers });
  const theirs = await simpleParser(info.message as Buffer);
  for (const field of ["subject", "text", "html", "messageId"] as const) expect(mine[field], field).toEqual(theirs[field]);
  for (const name of ["list-unsubscribe", "list-unsubscribe-post", "from", "to", "mime-version"]) expect(mine.headers.get(name), name).toEqual(theirs.headers.get(name));
  expect((mine.headers.get("content-type") as { value: string }).value).toBe((theirs.headers.get("content-type") as { value: string }).value);
  // Body lines stay within RFC 2045's 76 characters (only an unbreakable header token may be longer), CRLF only.
  const body = raw.slice(raw.indexOf("\r\n\r\n"));
  expect(body.split("\r\n").filter((line) => line.length > 76)).toEqual([]);
  expect(raw).not.toMatch(/[^\r]\n/);
}

describe("raw MIME for bulk mail", () => {
  it("merges a shared body per reader and reads like the composer's message", async () => {
    const template = {
      subject: "Résumé for {{name}} — gobernanza migratoria, and enough words to fold a long subject line",
      html: `<p>Hé {{name}} ${"x=y ".repeat(60)}🎉</p>\n<a href="{{url}}">${"é".repeat(100)}</a>   \n<p>{{unknown}}</p>`,
      text: `Hello {{name}}  \nline=2 \t\n.a line with a dot\n${"word ".repeat(50)}{{url}}\nend`,
    };
    const data = { name: "<b>Ana & co</b> ñ", url: "https://hub.test/subscription/tok0?a=1&b=2" };
    const compiled = compileBody(template);
    const raw = buildRaw(compiled, sender(from), { toAddress: "reader@example.org", messageId: "<id1@hub.test>", mergeData: data, headers });
    expect(raw.envelope).toEqual({ from: "hub@genmig.invalid", to: ["reader@example.org"] });
    await compare(raw.raw, { subject: merge(template.subject, data, false), html: merge(template.html, data, true), text: merge(template.text, data, false) });
    expect(raw.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
    expect(raw.raw).toMatch(/^Message-ID: <id1@hub\.test>\r$/m);
  });

  it("takes a message's own content literally, and a message without HTML is plain text", async () => {
    const own = { subject: "Plain {{x}}", html: "", text: "only text {{x}} é" };
    const raw = buildRaw(literalBody(own), sender(from), { toAddress: "reader@example.org", messageId: "<id1@hub.test>", mergeData: { x: "no" }, headers });
    await compare(raw.raw, { subject: own.subject, text: own.text });
  });

  it("never splits an encoded byte when wrapping", () => {
    for (let pad = 0; pad < 80; pad++) {
      const lines = wrap(qpEscape("a".repeat(pad) + "é=".repeat(60))).split("\r\n");
      for (const line of lines) {
        expect(line.length).toBeLessThanOrEqual(76);
        expect(line.replace(/=$/, "")).not.toMatch(/=(.?)$/);
      }
    }
  });
});
