import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { StateInline } from "markdown-it";
import { createMarkdownRenderer, renderMarkdown } from "./markdown.ts";

// Everything that could run script or load something: no tag but ours, no handler, no dangerous URL.
const ALLOWED_TAGS = new Set(["p", "br", "strong", "em", "s", "code", "pre", "a", "ul", "ol", "li", "blockquote", "hr", "h3", "h4", "h5", "h6"]);
function assertInert(html: string) {
  for (const [, tag] of html.matchAll(/<\/?([a-zA-Z][\w-]*)/g)) expect(ALLOWED_TAGS.has(tag.toLowerCase())).toBe(true);
  for (const [attrs] of html.matchAll(/<a [^>]*>/g)) {
    expect(attrs).toMatch(/^<a href="(https?:\/\/|mailto:)[^"]*" rel="nofollow noopener noreferrer ugc">$/);
  }
  expect(html).not.toMatch(/<[^>]*\son\w+\s*=/i);
  // attributes only on our links, and an ordered list's start number
  for (const [tag] of html.matchAll(/<(?!a )[a-z0-9]+ [^>]*>/gi)) expect(tag).toMatch(/^<ol start="\d+">$/);
}

/** Parser steps for one render: every rule call of every chain and every token skip (the loop inside link labels). */
function markdownWork(source: string) {
  const md = createMarkdownRenderer();
  let steps = 0;
  const counted = new WeakMap<object, unknown>();
  type Rule = (...args: never[]) => unknown;
  const count = <F extends Rule>(fn: F): F => {
    if (!counted.has(fn)) counted.set(fn, (...args: Parameters<F>) => (steps++, fn(...args)));
    return counted.get(fn) as F;
  };
  const rulers: { getRules(chain: string): Rule[] }[] = [md.core.ruler, md.block.ruler, md.inline.ruler, md.inline.ruler2];
  for (const ruler of rulers) {
    const getRules = ruler.getRules.bind(ruler);
    ruler.getRules = (chain) => getRules(chain).map(count);
  }
  const skipToken = md.inline.skipToken.bind(md.inline);
  md.inline.skipToken = (state: StateInline) => (steps++, skipToken(state));
  md.render(source);
  return steps;
}

describe("dialogue Markdown", () => {
  it("renders the supported subset", () => {
    expect(renderMarkdown("# Agenda\n\nHello **world** and *you*,\nsee [the brief](https://example.org/a?b=1&c=2).\n\n- one\n- `two`\n\n1. first\n\n> quoted\n\n```\n<b>x</b>\n```")).toBe(
      [
        "<h3>Agenda</h3>",
        '<p>Hello <strong>world</strong> and <em>you</em>,<br>',
        'see <a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener noreferrer ugc">the brief</a>.</p>',
        "<ul>\n<li>one</li>\n<li><code>two</code></li>\n</ul>",
        "<ol>\n<li>first</li>\n</ol>",
        "<blockquote>\n<p>quoted</p>\n</blockquote>",
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
    "```js onload=alert(1)\nx\n```",
    '[t](https://ok.example "a" onclick="alert(1)")',
    '[t](https://ok.example "title")',
    "<javascript:alert(1)>",
    "3. third",
  ])("keeps %s inert", (input) => {
    const html = renderMarkdown(input);
    assertInert(html);
    expect(html).not.toMatch(/<script|<img|<iframe|<svg|href="(?!https?:|mailto:)/i);
  });

  it("keeps any input inert", () => {
    const alphabet = fc.constantFrom(..."<>\"'`*[]()!#>-:/ \n=&;ajvscrihptdonerflmg1.".split(""), "javascript:", "https://", "<script>", "onerror=");
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 60 }).map((a) => a.join("")), (input) => assertInert(renderMarkdown(input))), { numRuns: 500 });
  });

  it("links only what it linked before: full http(s) URLs, not bare domains or addresses", () => {
    expect(renderMarkdown("see example.org or ana@example.org")).toBe("<p>see example.org or ana@example.org</p>");
    expect(renderMarkdown("<mailto:ana@example.org>")).toBe('<p><a href="mailto:ana@example.org" rel="nofollow noopener noreferrer ugc">mailto:ana@example.org</a></p>');
  });

  it("shows an image as a link to it, so nothing is fetched when the post is read", () => {
    expect(renderMarkdown("![pixel](https://tracker.example/p.gif)")).toBe('<p>!<a href="https://tracker.example/p.gif" rel="nofollow noopener noreferrer ugc">pixel</a></p>');
  });
});

describe("dialogue Markdown under hostile input", () => {
  it("renders quotes nested 5,000 deep without exhausting the stack, cut at the nesting limit", () => {
    const html = renderMarkdown(`${"> ".repeat(5000)}deep`);
    assertInert(html);
    expect(html.match(/<blockquote>/g)?.length ?? 0).toBeLessThanOrEqual(20);
    expect(html.length).toBeLessThan(1000);
  });

  it.each([
    ["one line of 20,000 [", "[".repeat(20_000)],
    ["20,000 nested lists", "- ".repeat(10_000) + "x"],
    ["emphasis markers that never close", "*a **b ".repeat(3000)],
    ["links that never close", "[a](".repeat(5000)],
  ])("renders %s as escaped text of bounded size", (_name, input) => {
    const html = renderMarkdown(input);
    assertInert(html);
    expect(html.length).toBeLessThan(3 * input.length + 100);
  });

  // The parser's steps (rule calls and token skips) for twice the input are about twice the steps, for the shapes
  // that used to be slow or deep: a quadratic parser would take four times as many.
  it.each([
    ["[", (n: number) => "[".repeat(n)],
    ["![", (n: number) => "![".repeat(n)],
    ["[a](", (n: number) => "[a](".repeat(n)],
    ["> nesting", (n: number) => "> ".repeat(n) + "x"],
    ["*a **b", (n: number) => "*a **b ".repeat(n)],
    ["`", (n: number) => "`".repeat(n)],
    ["<", (n: number) => "<".repeat(n)],
    ["quotes of varying depth", (n: number) => Array.from({ length: n }, (_, i) => ">".repeat(i % 30) + " x").join("\n")],
  ])("does linear work on repeated %s", (_name, make) => {
    const once = markdownWork(make(2000));
    const twice = markdownWork(make(4000));
    expect(once).toBeGreaterThan(0);
    expect(twice / once).toBeLessThan(2.5);
  });
});
