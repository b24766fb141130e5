import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { renderMarkdown } from "./markdown.ts";

// Everything that could run script or load something: no tag but ours, no handler, no dangerous URL.
const ALLOWED_TAGS = new Set(["p", "br", "strong", "em", "code", "pre", "a", "ul", "ol", "li", "blockquote", "h3", "h4", "h5", "h6"]);
function assertInert(html: string) {
  for (const [, tag] of html.matchAll(/<\/?([a-zA-Z][\w-]*)/g)) expect(ALLOWED_TAGS.has(tag.toLowerCase())).toBe(true);
  for (const [attrs] of html.matchAll(/<a [^>]*>/g)) {
    expect(attrs).toMatch(/^<a href="(https?:\/\/|mailto:)[^"]*" rel="nofollow noopener noreferrer ugc">$/);
  }
  expect(html).not.toMatch(/<[^>]*\son\w+\s*=/i);
  expect(html).not.toMatch(/<(?!a )[a-z0-9]+ [^>]*>/i); // attributes only on our links
}

describe("dialogue Markdown", () => {
  it("renders the supported subset", () => {
    expect(renderMarkdown("# Agenda\n\nHello **world** and *you*,\nsee [the brief](https://example.org/a?b=1&c=2).\n\n- one\n- `two`\n\n1. first\n\n> quoted\n\n```\n<b>x</b>\n```")).toBe(
      [
        "<h3>Agenda</h3>",
        '<p>Hello <strong>world</strong> and <em>you</em>,<br>see <a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener noreferrer ugc">the brief</a>.</p>',
        "<ul><li>one</li><li><code>two</code></li></ul>",
        "<ol><li>first</li></ol>",
        "<blockquote><p>quoted</p></blockquote>",
        "<pre><code>&lt;b&gt;x&lt;/b&gt;</code></pre>",
      ].join("\n"),
    );
    expect(renderMarkdown("mail [us](mailto:team@example.org) or https://example.org/x.")).toContain('<a href="https://example.org/x" ');
  });

  it.each([
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](//evil.example/x)",
    "[click](/relative)",
    "![pixel](https://tracker.example/p.gif)",
    '[x](https://ok.example/"onmouseover="alert(1))',
    "<a href=\"javascript:alert(1)\">x</a>",
    "**<svg onload=alert(1)>**",
    "`</code><script>alert(1)</script>`",
    "> <iframe src=https://evil.example></iframe>",
    "[a](vbscript:msgbox(1))",
    "<<script>script>alert(1)<</script>/script>",
  ])("keeps %s inert", (input) => {
    const html = renderMarkdown(input);
    assertInert(html);
    expect(html).not.toMatch(/<script|<img|<iframe|<svg|href="(?!https?:|mailto:)/i);
  });

  it("keeps any input inert", () => {
    const alphabet = fc.constantFrom(..."<>\"'`*[]()!#>-:/ \n=&;ajvscrihptdonerflmg1.".split(""), "javascript:", "https://", "<script>", "onerror=");
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 60 }).map((a) => a.join("")), (input) => assertInert(renderMarkdown(input))), { numRuns: 500 });
  });
});
