/**
 * A small Markdown subset rendered to HTML that is safe to show as is. Every character of the input is escaped;
 * only the markup built here reaches the page, so raw HTML, scripts and event handlers stay text. Links work for
 * http(s) and mailto only (no javascript:, data:, relative or protocol-relative URLs), and images are not
 * supported, so a post cannot make readers' browsers fetch anything.
 * Supported: paragraphs, line breaks, # headings, > quotes, - and 1. lists, ``` code blocks, `code`,
 * **bold**, *italic*, [text](url) and bare http(s) URLs.
 */
const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

// eslint-disable-next-line no-control-regex
const SAFE_URL = /^(https?:\/\/[^\s\u0000-\u001f\u007f]+|mailto:[^\s\u0000-\u001f\u007f/]+@[^\s\u0000-\u001f\u007f]+)$/i;
export const isSafeUrl = (url: string) => SAFE_URL.test(url);

const link = (url: string, labelHtml: string) =>
  `<a href="${escapeHtml(url)}" rel="nofollow noopener noreferrer ugc">${labelHtml}</a>`;

const INLINE = /`([^`\n]+)`|\[([^\]\n]+)\]\(([^)\s]+)\)|\*\*([^*\n]+)\*\*|\*([^*\n]+)\*|(https?:\/\/[^\s<>()"']+[^\s<>()"'.,;:!?])/;

function inline(text: string, links = true): string {
  let out = "";
  let rest = text;
  for (let m = INLINE.exec(rest); m; m = INLINE.exec(rest)) {
    out += escapeHtml(rest.slice(0, m.index));
    const [whole, code, label, url, strong, em, bare] = m;
    if (code !== undefined) out += `<code>${escapeHtml(code)}</code>`;
    else if (label !== undefined) out += links && isSafeUrl(url) ? link(url, inline(label, false)) : inline(label, false);
    else if (strong !== undefined) out += `<strong>${inline(strong, links)}</strong>`;
    else if (em !== undefined) out += `<em>${inline(em, links)}</em>`;
    else out += links && isSafeUrl(bare) ? link(bare, escapeHtml(bare)) : escapeHtml(bare);
    rest = rest.slice(m.index + whole.length);
  }
  return out + escapeHtml(rest);
}

const LIST_ITEM = /^\s{0,3}([-*+]|\d{1,9}[.)])\s+(.*)$/;

export function renderMarkdown(source: string): string {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const html: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (!line.trim()) {
      i++;
      continue;
    }
    if (/^\s{0,3}```/.test(line)) {
      const code: string[] = [];
      for (i++; i < lines.length && !/^\s{0,3}```/.test(lines[i]); i++) code.push(lines[i]);
      i++;
      html.push(`<pre><code>${escapeHtml(code.join("\n"))}</code></pre>`);
      continue;
    }
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      // Posts sit under the page's own headings, so # is the third level.
      const level = Math.min(heading[1].length + 2, 6);
      html.push(`<h${level}>${inline(heading[2])}</h${level}>`);
      i++;
      continue;
    }
    if (/^\s{0,3}>/.test(line)) {
      const quoted: string[] = [];
      for (; i < lines.length && /^\s{0,3}>/.test(lines[i]); i++) quoted.push(lines[i].replace(/^\s{0,3}>\s?/, ""));
      html.push(`<blockquote>${renderMarkdown(quoted.join("\n"))}</blockquote>`);
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      const ordered = /\d/.test(item[1]);
      const items: string[] = [];
      for (let m = LIST_ITEM.exec(lines[i]); i < lines.length && m && /\d/.test(m[1]) === ordered; m = LIST_ITEM.exec(lines[++i] ?? "")) {
        items.push(`<li>${inline(m[2])}</li>`);
      }
      html.push(ordered ? `<ol>${items.join("")}</ol>` : `<ul>${items.join("")}</ul>`);
      continue;
    }
    const paragraph: string[] = [];
    for (; i < lines.length && lines[i].trim() && !/^\s{0,3}(```|#{1,6}\s|>)/.test(lines[i]) && !LIST_ITEM.test(lines[i]); i++) {
      paragraph.push(inline(lines[i].trim()));
    }
    html.push(`<p>${paragraph.join("<br>")}</p>`);
  }
  return html.join("\n");
}
