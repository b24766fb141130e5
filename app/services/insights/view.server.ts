import { translator, type Lang } from "../../i18n/index.ts";
import { common } from "../../i18n/ui/common.ts";
import { directoryUi } from "../../i18n/ui/directory.ts";
import { insightsUi } from "../../i18n/ui/insights.ts";
import { AppError } from "../errors.ts";
import { can, type Actor } from "../policy.server.ts";
import { extraTables } from "./extra-tables.server.ts";
// Sources of more counts register themselves on import.
import "../requests/insights-table.server.ts";
import { BREAKDOWNS, PANEL_CATEGORIES, participationStats, SCOPE_KINDS, scopeChoices, speakerBalance, type Breakdown, type Scope, type ScopeKind, type Stage } from "./participation.server.ts";
import { csvCell } from "../../utils/csv.ts";
import { roundingBase } from "./cell-key.ts";
import { parsePeriod, periodChoices } from "./periods.ts";
import { label, suppress, valueOf, type Cell } from "./suppression.ts";

/** The statistics pages' filters, from a GET query string; anything unknown falls back to this calendar year. */
export interface Filters {
  scope: ScopeKind;
  id: string;
  period: string; // a calendar month, quarter or year: "2026-07", "2026-Q3", "2026" (ADR 0037)
  breakdown: Breakdown;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

export function readFilters(url: URL, now = new Date()): Filters {
  const q = url.searchParams;
  const scope = (SCOPE_KINDS as readonly string[]).includes(q.get("scope") ?? "") ? (q.get("scope") as ScopeKind) : "period";
  const breakdown = (BREAKDOWNS as readonly string[]).includes(q.get("breakdown") ?? "") ? (q.get("breakdown") as Breakdown) : "gender";
  const period = parsePeriod(q.get("period"))?.label ?? String(now.getUTCFullYear());
  return { scope, id: (q.get("id") ?? "").slice(0, 64), period, breakdown };
}

export const toScope = (f: Filters): Scope => {
  const period = parsePeriod(f.period)!;
  return { kind: f.scope, id: f.id || null, from: period.from, to: period.to };
};

/** A table ready to print, as text: every number already through suppression. */
export interface ShownTable {
  id: string;
  title: string;
  rowHeader: string;
  columns: string[];
  rows: { label: string; cells: string[]; values: (number | null)[] }[];
  totals: string[] | null;
}

const shown = (k: number, cells: Cell[]) => cells.map((c) => label(c, k));

export function categoryLabel(lang: Lang, breakdown: Breakdown | "panel", category: string): string {
  const t = translator(insightsUi, lang, { typography: true });
  if (breakdown === "gender" || breakdown === "panel") return t(`gender_${category}` as "gender_woman");
  if (breakdown === "age-band") return t(`age_${category}` as "age_25-34");
  if (breakdown === "partner-sector") return category === "NONE" ? t("no_institution") : translator(common, lang)(`sector_${category}` as "sector_NGO");
  return category === "UNKNOWN" ? t("unknown_region") : translator(directoryUi, lang)(`region_${category}` as "region_AFRICA");
}

export function stageLabel(lang: Lang, stage: Stage, scope: ScopeKind) {
  const t = translator(insightsUi, lang, { typography: true });
  return scope === "dialogue" && stage === "registered" ? t("stage_registered_dialogue") : t(`stage_${stage}`);
}

export async function insightsView(actor: Actor, filters: Filters, lang: Lang) {
  const t = translator(insightsUi, lang, { typography: true });
  // The scope choices, the funnel and the extra tables are independent reads: on PostgreSQL they run side by side.
  const [choices, statsOrError, rawExtras] = await Promise.all([
    scopeChoices(actor),
    participationStats(actor, toScope(filters), filters.breakdown).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))),
    can(actor, { do: "statistics.view" }) ? Promise.all(extraTables.map((source) => source.load(actor, toScope(filters), lang))) : [],
  ]);
  const titleOf = (tr: { language: string; title: string }[]) => (tr.find((x) => x.language === lang.toUpperCase()) ?? tr.find((x) => x.language === "EN") ?? tr[0])?.title ?? "—";
  let funnel: (ShownTable & { stages: Stage[]; conversion: { confirmed: string; attended: string } | null; chart: { label: string; values: (number | null)[] }[] }) | null = null;
  let error: string | null = null;
  let k = 5;
  if (statsOrError instanceof Error) {
    const e = statsOrError;
    if (!(e instanceof AppError) || (e.code !== "NOT_FOUND" && e.code !== "BAD_USER_INPUT")) throw e;
    error = e.code === "NOT_FOUND" ? "not_found" : e.key;
  } else {
    const stats = statsOrError;
    k = stats.k;
    const pct = (stage: Stage) => {
      const p = stats.conversion.find((c) => c.stage === stage)?.percent;
      return p === null || p === undefined ? t("conversion_hidden") : `${p} %`;
    };
    funnel = {
      id: "funnel",
      title: t("funnel_title", { scope: stats.scope.title }),
      rowHeader: t(`breakdown_${filters.breakdown}`),
      columns: stats.stages.map((s) => stageLabel(lang, s, filters.scope)),
      stages: stats.stages,
      rows: stats.rows.map((r) => ({ label: categoryLabel(lang, filters.breakdown, r.category), cells: shown(k, r.cells), values: r.cells.map(valueOf) })),
      totals: shown(k, stats.totals),
      conversion: stats.stages.includes("confirmed") ? { confirmed: pct("confirmed"), attended: pct("attended") } : null,
      chart: stats.rows.map((r) => ({ label: categoryLabel(lang, filters.breakdown, r.category), values: r.cells.map(valueOf) })),
    };
  }
  const seriesShown = filters.scope === "series" && filters.id ? choices.series.filter((s) => s.id === filters.id) : choices.series.slice(0, 10);
  const balances = await Promise.all(
    seriesShown.map(async (s) => {
      const b = await speakerBalance(actor, s.id);
      return {
        id: s.id,
        title: t("balance_title", { series: b.series.title }),
        target: b.series.parityTarget,
        womenPercent: b.womenPercent,
        table: {
          id: `balance-${s.id}`,
          title: t("balance_title", { series: b.series.title }),
          rowHeader: t("quarter"),
          columns: [...PANEL_CATEGORIES.map((c) => categoryLabel(lang, "panel", c)), t("total"), `${t("women_share")} %`],
          rows: b.periods.map((p) => ({ label: p.label, cells: [...shown(b.k, p.cells), label(p.total, b.k), p.womenPercent === null ? "—" : `${p.womenPercent} %`], values: p.cells.map(valueOf) })),
          totals: b.periods.length ? [...shown(b.k, b.totals), label(b.grandTotal, b.k), b.womenPercent === null ? "—" : `${b.womenPercent} %`] : null,
        } satisfies ShownTable,
        trend: { labels: b.periods.map((p) => p.label), values: b.periods.map((p) => p.womenPercent) },
      };
    }),
  );
  const extras: ShownTable[] = [];
  for (const [at, raw] of rawExtras.entries()) {
    if (!raw) continue;
    const table = suppress(raw.rows.map((r) => r.counts), { colTotals: true }, k);
    extras.push({
      id: extraTables[at].id,
      title: raw.title,
      rowHeader: raw.rowHeader,
      columns: raw.columns,
      rows: raw.rows.map((r, i) => ({ label: r.label, cells: shown(table.k, table.cells[i]), values: table.cells[i].map(valueOf) })),
      totals: table.colTotals ? shown(table.k, table.colTotals) : null,
    });
  }
  return {
    k,
    filters,
    error,
    funnel,
    balances,
    extras,
    choices: {
      webinars: choices.webinars.map((w) => ({ id: w.id, title: `${day(w.startsAt)} · ${titleOf(w.translations)}` })),
      series: choices.series.map((s) => ({ id: s.id, title: s.title })),
      dialogues: choices.dialogues.map((d) => ({ id: d.id, title: titleOf(d.translations) })),
      periods: [...new Set([filters.period, ...periodChoices()])],
    },
  };
}

export type InsightsView = Awaited<ReturnType<typeof insightsView>>;

/** One CSV of everything the page shows, with the same suppression and the method note. */
export function insightsCsv(view: InsightsView, lang: Lang): string {
  const t = translator(insightsUi, lang);
  const lines: string[] = [];
  const table = (tb: ShownTable) => {
    lines.push(csvCell(tb.title));
    lines.push([tb.rowHeader, ...tb.columns].map(csvCell).join(","));
    for (const r of tb.rows) lines.push([r.label, ...r.cells].map(csvCell).join(","));
    if (tb.totals) lines.push([t("total"), ...tb.totals].map(csvCell).join(","));
    lines.push("");
  };
  if (view.funnel) table(view.funnel);
  for (const b of view.balances) table(b.table);
  for (const e of view.extras) table(e);
  lines.push(csvCell(t("method_title")));
  lines.push(csvCell(t("method_body", { k: view.k, b: roundingBase(view.k) })));
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

