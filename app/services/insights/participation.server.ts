import { AGE_BANDS, GENDERS } from "../../schemas/demographics.ts";
import { SECTORS } from "../../schemas/partner.ts";
import { REGIONS, regionOf } from "../../schemas/regions.ts";
import { genderCategory } from "../../schemas/gender.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import { prisma } from "../../utils/db.server.ts";
import { AppError, notFound } from "../errors.ts";
import { authorize, type Actor } from "../policy.server.ts";
import { personKey } from "./demographics.server.ts";
import { minCell } from "./config.server.ts";
import { addKeys, CELL_KEY_MODULUS, roundCount } from "./cell-key.ts";
import { cellKeySecret, recordKey } from "./cell-key.server.ts";
import { calendarPeriod } from "./periods.ts";
import { share, suppress, type Cell } from "./suppression.ts";

export const STAGES = ["invited", "registered", "confirmed", "attended"] as const;
export type Stage = (typeof STAGES)[number];
export const BREAKDOWNS = ["gender", "age-band", "partner-sector", "region"] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];
export const SCOPE_KINDS = ["webinar", "series", "dialogue", "period"] as const;
export type ScopeKind = (typeof SCOPE_KINDS)[number];

export interface Scope {
  kind: ScopeKind;
  id?: string | null;
  from?: Date | null;
  to?: Date | null;
}

/** Every category of a breakdown, always all of them: a row that is missing would say it is zero. */
export const CATEGORIES: Record<Breakdown, readonly string[]> = {
  gender: [...GENDERS, "no-answer"],
  "age-band": [...AGE_BANDS, "no-answer"],
  "partner-sector": [...SECTORS, "NONE"],
  region: [...REGIONS, "UNKNOWN"],
};

/** One person's step through the funnel; never leaves this module. */
interface Participant {
  email: string;
  userId: string | null;
  country: string | null;
  stages: Set<Stage>;
}

export interface ParticipationStats {
  k: number;
  scope: Scope & { title: string };
  breakdown: Breakdown;
  /** The steps that apply to the scope (a dialogue has invited and joined, shown as registered). */
  stages: Stage[];
  rows: { category: string; cells: Cell[]; percentOfStage: (number | null)[] }[];
  totals: Cell[];
  /** Of those registered, the share confirmed and attended: from published numbers only. */
  conversion: { stage: Stage; percent: number | null }[];
}

/** Dialogues: invited and joined, per person (a dialogue's population is small: members and invitations). */
async function dialoguePopulation(scope: Scope): Promise<{ title: string; stages: Stage[]; people: Participant[] }> {
  const dialogue = scope.id
    ? await prisma().dialogue.findUnique({ where: { id: scope.id }, include: { translations: true, invitations: true, members: { include: { user: { select: { email: true } } } } } })
    : null;
  if (!dialogue) throw notFound();
  const people = new Map<string, Participant>();
  const at = (email: string, userId: string | null) => people.get(email) ?? (people.set(email, { email, userId, country: null, stages: new Set() }), people.get(email)!);
  for (const i of dialogue.invitations) at(i.email, null).stages.add("invited");
  for (const m of dialogue.members) {
    const p = at(m.user.email, m.userId);
    p.userId = m.userId;
    p.stages.add("registered");
  }
  return { title: dialogue.translations[0]?.title ?? dialogue.id, stages: ["invited", "registered"], people: [...people.values()] };
}

/** Webinars, a series or a period: the title and which registrations count (as SQL on "WebinarRegistration" r / "Webinar" w). */
async function webinarScope(scope: Scope): Promise<{ title: string; where: Prisma.Sql }> {
  const db = prisma();
  if (scope.kind === "webinar") {
    const w = scope.id ? await db.webinar.findUnique({ where: { id: scope.id }, include: { translations: true } }) : null;
    if (!w) throw notFound();
    return { title: w.translations.find((t) => t.language === "EN")?.title ?? w.translations[0]?.title ?? w.id, where: Prisma.sql`r."webinarId" = ${w.id}` };
  }
  if (scope.kind === "series") {
    const s = scope.id ? await db.webinarSeries.findUnique({ where: { id: scope.id } }) : null;
    if (!s) throw notFound();
    return { title: s.title, where: Prisma.sql`w."seriesId" = ${s.id}` };
  }
  if (!scope.from || !scope.to || scope.from >= scope.to) throw new AppError("BAD_USER_INPUT", "invalid_period", { from: { key: "invalid_period" } });
  // Only whole calendar months, quarters and years: a period cut anywhere else could isolate one webinar.
  const period = calendarPeriod(scope.from, scope.to);
  if (!period) throw new AppError("BAD_USER_INPUT", "period_not_calendar", { from: { key: "period_not_calendar" } });
  return { title: period.label, where: Prisma.sql`w."startsAt" >= ${period.from} AND w."startsAt" < ${period.to}` };
}

/** Per category key: counts per stage and, per stage, the cell key of those registrations (ADR 0037). */
interface KeyCounts {
  key: string | null;
  invited: number;
  registered: number;
  confirmed: number;
  attended: number;
  k_invited: number;
  k_registered: number;
  k_confirmed: number;
  k_attended: number;
}

/**
 * Counts per registration by what decides the category — the answer (found by the address digest the database keeps
 * on each registration), the sector of the person's first approved institution, or the country (the registration's,
 * else that institution's) — read from the per-webinar tallies the database keeps (ADR 0045): counts and sums of
 * record keys add up across webinars exactly as counting the registrations would. Only counts leave the database.
 */
async function webinarCounts(where: Prisma.Sql, breakdown: Breakdown): Promise<KeyCounts[]> {
  const N = CELL_KEY_MODULUS;
  const columns = Prisma.join(
    STAGES.flatMap((s) => {
      const k = `k${s[0].toUpperCase()}${s.slice(1)}`;
      return [Prisma.sql`sum(r.${Prisma.raw(`"${s}"`)})::int AS ${Prisma.raw(s)}`, Prisma.sql`(sum(r.${Prisma.raw(`"${k}"`)}) % ${N})::int AS ${Prisma.raw(`k_${s}`)}`];
    }),
  );
  return prisma().$queryRaw<KeyCounts[]>`
    SELECT NULLIF(r."key", '') AS key, ${columns}
    FROM "InsightsTally" r JOIN "Webinar" w ON w."id" = r."webinarId"
    WHERE r."breakdown" = ${breakdown} AND ${where}
    GROUP BY 1`;
}

/** The category a grouped key falls in; anything unknown counts under the last category ("no answer", "none"…). */
function categoryOf(breakdown: Breakdown, key: string | null): string {
  if (breakdown === "gender" || breakdown === "age-band") return key ?? "no-answer";
  if (breakdown === "partner-sector") return key ?? "NONE";
  return (key && regionOf(key)) || "UNKNOWN";
}

/** Each participant's category, looked up in memory: answers and names never meet in one query or one row. */
async function categorise(people: Participant[], breakdown: Breakdown): Promise<string[]> {
  const db = prisma();
  if (breakdown === "gender" || breakdown === "age-band") {
    const keys = [...new Set(people.map((p) => personKey(p.email)))];
    const rows = keys.length ? await db.demographicAnswer.findMany({ where: { key: { in: keys } }, select: { key: true, gender: true, ageBand: true } }) : [];
    const byKey = new Map(rows.map((r) => [r.key, breakdown === "gender" ? r.gender : r.ageBand]));
    return people.map((p) => byKey.get(personKey(p.email)) ?? "no-answer");
  }
  const userIds = [...new Set(people.map((p) => p.userId).filter((id): id is string => !!id))];
  const memberships = userIds.length
    ? await db.membership.findMany({ where: { userId: { in: userIds }, partner: { status: "APPROVED" } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { userId: true, partner: { select: { sector: true, country: true } } } })
    : [];
  const partnerOf = new Map<string, { sector: string; country: string }>();
  for (const m of memberships) if (!partnerOf.has(m.userId)) partnerOf.set(m.userId, m.partner);
  return people.map((p) => {
    const partner = p.userId ? partnerOf.get(p.userId) : undefined;
    if (breakdown === "partner-sector") return partner?.sector ?? "NONE";
    const country = p.country ?? partner?.country;
    return (country && regionOf(country)) || "UNKNOWN";
  });
}

/** Counts per category and stage, before suppression; for the statistics service and its tests only. */
export async function rawFunnel(scope: Scope, breakdown: Breakdown) {
  const categories = CATEGORIES[breakdown];
  const row = (category: string) => (categories.indexOf(category) >= 0 ? categories.indexOf(category) : categories.length - 1);
  if (scope.kind === "dialogue") {
    const { title, stages, people } = await dialoguePopulation(scope);
    const of = await categorise(people, breakdown);
    const counts = categories.map(() => stages.map(() => 0));
    const keys = categories.map(() => stages.map(() => 0));
    const secret = await cellKeySecret();
    people.forEach((p, i) => {
      const rk = recordKey(personKey(p.email), secret);
      stages.forEach((s, c) => {
        if (!p.stages.has(s)) return;
        counts[row(of[i])][c] += 1;
        keys[row(of[i])][c] = addKeys(keys[row(of[i])][c], rk);
      });
    });
    return { title, stages, categories, counts, keys };
  }
  const { title, where } = await webinarScope(scope);
  const stages = [...STAGES];
  const counts = categories.map(() => stages.map(() => 0));
  const keys = categories.map(() => stages.map(() => 0));
  for (const group of await webinarCounts(where, breakdown)) {
    const r = row(categoryOf(breakdown, group.key));
    stages.forEach((s, c) => {
      counts[r][c] += group[s];
      keys[r][c] = addKeys(keys[r][c], group[`k_${s}`]);
    });
  }
  return { title, stages, categories, counts, keys };
}

/**
 * The funnel, by category, as it may be published: every number through small-cell suppression (decided on the
 * true counts), then each published count rounded by its cell key (ADR 0037), totals by theirs.
 */
export async function participationStats(actor: Actor, scope: Scope, breakdown: Breakdown): Promise<ParticipationStats> {
  authorize(actor, { do: "statistics.view" });
  if (!BREAKDOWNS.includes(breakdown)) throw new AppError("BAD_USER_INPUT", "invalid_choice", { breakdown: { key: "invalid_choice" } });
  const { title, stages, categories, counts, keys } = await rawFunnel(scope, breakdown);
  const table = suppress(counts, { colTotals: true }, minCell());
  const rounded = (cell: Cell, key: number): Cell => (cell.kind === "value" ? { kind: "value", value: roundCount(cell.value, key, table.k) } : cell);
  const cells = table.cells.map((row, r) => row.map((cell, c) => rounded(cell, keys[r][c])));
  const totals = table.colTotals!.map((cell, c) => rounded(cell, addKeys(...keys.map((row) => row[c]))));
  const registered = stages.indexOf("registered");
  return {
    k: table.k,
    scope: { ...scope, title },
    breakdown,
    stages,
    rows: categories.map((category, r) => ({ category, cells: cells[r], percentOfStage: cells[r].map((cell, c) => share(cell, totals[c])) })),
    totals,
    conversion: stages.map((stage, c) => ({ stage, percent: share(totals[c], totals[registered]) })),
  };
}

// ── speaker panels ──────────────────────────────────────────────────────────────────────────────────────────
export const PANEL_CATEGORIES = ["woman", "man", "non-binary", "self-described", "undisclosed"] as const;

export interface SpeakerBalance {
  k: number;
  series: { id: string; title: string; parityTarget: number };
  /** Quarters with webinars, oldest first. */
  periods: { label: string; cells: Cell[]; total: Cell; womenPercent: number | null }[];
  totals: Cell[];
  grandTotal: Cell;
  womenPercent: number | null;
}

const quarter = (d: Date) => `${d.getUTCFullYear()}-Q${Math.floor(d.getUTCMonth() / 3) + 1}`;

/** Panel composition of a series per quarter against its parity target, suppressed like every other table. */
export async function speakerBalance(actor: Actor, seriesId: string): Promise<SpeakerBalance> {
  authorize(actor, { do: "statistics.view" });
  const series = await prisma().webinarSeries.findUnique({
    where: { id: seriesId },
    include: { webinars: { where: { status: "SCHEDULED" }, orderBy: { startsAt: "asc" }, select: { startsAt: true, speakers: { select: { gender: true } } } } },
  });
  if (!series) throw notFound();
  const labels: string[] = [];
  const counts: number[][] = [];
  for (const w of series.webinars) {
    const q = quarter(w.startsAt);
    if (labels.at(-1) !== q) {
      labels.push(q);
      counts.push(PANEL_CATEGORIES.map(() => 0));
    }
    for (const s of w.speakers) counts.at(-1)![PANEL_CATEGORIES.indexOf(genderCategory(s.gender))] += 1;
  }
  if (!counts.length) {
    const none: Cell = { kind: "small" };
    return { k: minCell(), series: { id: series.id, title: series.title, parityTarget: series.parityTarget }, periods: [], totals: PANEL_CATEGORIES.map(() => none), grandTotal: none, womenPercent: null };
  }
  const table = suppress(counts, { rowTotals: true, colTotals: true, grandTotal: true }, minCell());
  return {
    k: table.k,
    series: { id: series.id, title: series.title, parityTarget: series.parityTarget },
    periods: labels.map((label, r) => ({ label, cells: table.cells[r], total: table.rowTotals![r], womenPercent: share(table.cells[r][0], table.rowTotals![r]) })),
    totals: table.colTotals!,
    grandTotal: table.grandTotal!,
    womenPercent: share(table.colTotals?.[0], table.grandTotal),
  };
}

/** What the statistics pages offer to choose from: titles only, no people. */
export async function scopeChoices(actor: Actor) {
  authorize(actor, { do: "statistics.view" });
  const db = prisma();
  const [webinars, series, dialogues] = await Promise.all([
    db.webinar.findMany({ orderBy: { startsAt: "desc" }, take: 200, select: { id: true, startsAt: true, translations: { select: { language: true, title: true } } } }),
    db.webinarSeries.findMany({ orderBy: { title: "asc" }, select: { id: true, title: true, parityTarget: true } }),
    db.dialogue.findMany({ orderBy: { createdAt: "desc" }, take: 200, select: { id: true, translations: { select: { language: true, title: true } } } }),
  ]);
  return { webinars, series, dialogues };
}
