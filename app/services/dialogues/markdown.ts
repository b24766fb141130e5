import MarkdownIt, { type Options } from "markdown-it";
import { escapeHtml } from "../../utils/html.ts";

/**
 * Markdown rendered to HTML that is safe to show as is (posts, session agendas, outcome notes, publication bodies),
 * by markdown-it (ADR 0039): it parses in linear time and stops nesting at MAX_NESTING, so no input can exhaust the
 * stack or hold the server. Raw HTML is off, so every character of the input is escaped and only markdown-it's own
 * markup reaches the page. Links work for http(s) and mailto only (no javascript:, data:, relative or
 * protocol-relative URLs), and images are not rendered, so a post cannot make readers' browsers fetch anything.
 * The only attributes written are a link's href and rel and an ordered list's start number.
 */

// eslint-disable-next-line no-control-regex
const SAFE_URL = /^(https?:\/\/[^\s\u0000-\u001f\u007f]+|mailto:[^\s\u0000-\u001f\u007f/]+@[^\s\u0000-\u001f\u007f]+)$/i;
export const isSafeUrl = (url: string) => SAFE_URL.test(url);

/** Deeper quotes, lists and emphasis than this are cut off; no post needs twenty levels. */
export const MAX_NESTING = 20;
const LINK_REL = "nofollow noopener noreferrer ugc";

/** A renderer with the policy above; one instance serves every render (exported for tests that count its work). */
export function createMarkdownRenderer() {
  // breaks: a single newline is a line break, as people write in a message box.
  // maxNesting is a markdown-it option its type declarations leave out.
  const options: Options & { maxNesting: number } = { html: false, linkify: true, breaks: true, typographer: false, maxNesting: MAX_NESTING };
  const md = new MarkdownIt("default", options);
  // ![alt](url) is text plus a link to the URL: nothing is fetched by the reader's browser. Tables are not part of
  // the supported subset.
  md.disable(["image", "table"]);
  // Only full http(s) URLs become links by themselves, not bare words such as "example.org".
  md.linkify.set({ fuzzyLink: false, fuzzyEmail: false, fuzzyIP: false });
  md.validateLink = isSafeUrl;

  const rules = md.renderer.rules;
  rules.link_open = (tokens, i) => `<a href="${escapeHtml(tokens[i].attrGet("href") ?? "")}" rel="${LINK_REL}">`;
  // The info string (```js) would become a class: code blocks carry no attributes.
  rules.fence = (tokens, i) => `<pre><code>${escapeHtml(tokens[i].content.replace(/\n$/, ""))}</code></pre>\n`;
  rules.code_block = rules.fence;
  const start = (n: string | null) => (n && /^\d{1,9}$/.test(n) && n !== "1" ? ` start="${Number(n)}"` : "");
  rules.ordered_list_open = (tokens, i) => `<ol${start(tokens[i].attrGet("start"))}>\n`;
  // Posts sit under the page's own headings, so # is the third level; a caller that placed the levels itself
  // (renderMarkdown with `top`) says so in env.
  const level = (tag: string, env: { placed?: boolean }) => (env?.placed ? tag : `h${Math.min(Number(tag.slice(1)) + 2, 6)}`);
  rules.heading_open = (tokens, i, _o, env) => `<${level(tokens[i].tag, env)}>`;
  rules.heading_close = (tokens, i, _o, env) => `</${level(tokens[i].tag, env)}>\n`;
  return md;
}

let renderer: MarkdownIt | undefined;

/**
 * `top`: the level of the text's highest heading, for text placed right under a page's heading (a publication's
 * body under its h1 starts at h2). Levels then go down one at a time, whatever the writer's first choice (## or
 * ###) or skips, so the page's outline never jumps a level.
 */
export function renderMarkdown(source: string, opts: { top?: number } = {}): string {
  renderer ??= createMarkdownRenderer();
  if (!opts.top) return renderer.render(source).trimEnd();
  const env = { placed: true };
  const tokens = renderer.parse(source, env);
  const written = tokens.filter((t) => t.type === "heading_open").map((t) => Number(t.tag.slice(1)));
  const highest = Math.min(...written);
  let previous = opts.top - 1;
  for (const [i, t] of tokens.entries()) {
    if (t.type !== "heading_open") continue;
    const placed = Math.min(opts.top + Number(t.tag.slice(1)) - highest, previous + 1, 6);
    previous = placed;
    t.tag = `h${placed}`;
    const close = tokens.slice(i).find((c) => c.type === "heading_close");
    if (close) close.tag = t.tag;
  }
  return renderer.renderer.render(tokens, renderer.options, env).trimEnd();
}
