import { translator, type Lang } from "../../i18n/index.ts";
import { dataExportUi, isExportLabel } from "../../i18n/ui/data-export.ts";
import { escapeHtml as escape } from "../../utils/html.ts";
import type { PersonExport } from "./export.server.ts";


/**
 * The same export as a page a person can read offline: one self-contained HTML file, no script, no remote
 * resources, every label in the reader's language. Values are escaped; nothing is rendered as HTML.
 */
export function exportHtml(data: PersonExport, lang: Lang): string {
  const t = translator(dataExportUi, lang);
  const label = (key: string) => escape(isExportLabel(key) ? t(key) : key);
  const value = (v: unknown): string => {
    if (v === null || v === undefined || v === "") return "—";
    if (typeof v === "boolean") return t(v ? "yes" : "no");
    if (Array.isArray(v)) return v.length ? (v.every((x) => typeof x !== "object" || x === null) ? escape(v.join(", ")) : `<ul>${v.map((x) => `<li>${value(x)}</li>`).join("")}</ul>`) : "—";
    if (typeof v === "object") return `<dl>${Object.entries(v).map(([k, x]) => `<dt>${label(k)}</dt><dd>${value(x)}</dd>`).join("")}</dl>`;
    return escape(String(v));
  };
  const section = (key: string, v: unknown) => {
    const empty = v === null || (Array.isArray(v) && v.length === 0);
    return `<section><h2>${label(key)}</h2>${empty ? `<p>${escape(t("none"))}</p>` : Array.isArray(v) ? `<ol>${v.map((x) => `<li>${value(x)}</li>`).join("")}</ol>` : value(v)}</section>`;
  };
  const { format, generatedAt, email, ...sections } = data;
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(t("page_title"))}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem}dt{font-weight:600}dd{margin:0 0 .4rem 1rem}li{margin-bottom:.6rem}</style>
</head><body>
<h1>${escape(t("page_title"))}</h1>
<p>${escape(t("intro", { email, date: generatedAt }))}</p>
<p>${label("format")}: ${escape(format)}</p>
${Object.entries(sections).map(([k, v]) => section(k, v)).join("\n")}
</body></html>
`;
}
