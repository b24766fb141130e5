import type { Lang } from "../../i18n/index.ts";
import type { Actor } from "../policy.server.ts";
import type { Scope } from "./participation.server.ts";

/**
 * More counts for the statistics pages (e.g. partners' requests by status, type and region). A source gives raw
 * counts; the pages, the CSV and the printed report put them through the same small-cell suppression as the
 * funnel (column totals published) and show them under "More counts". Add one with `extraTables.push(...)` from
 * the domain's own module and import that module once from app/services/insights/view.server.ts.
 */
export interface ExtraTableSource {
  id: string;
  /** Raw counts for the chosen scope (or null when the source has nothing for it); never per-person rows. */
  load(actor: Actor, scope: Scope, lang: Lang): Promise<{ title: string; rowHeader: string; columns: string[]; rows: { label: string; counts: number[] }[] } | null>;
}

export const extraTables: ExtraTableSource[] = [];
