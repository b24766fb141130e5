import { translator } from "../app/i18n/index.ts";
import { insightsUi } from "../app/i18n/ui/insights.ts";
import { PANEL_CATEGORIES, participationStats, speakerBalance, type Breakdown, type ParticipationStats, type ScopeKind, type SpeakerBalance, type Stage } from "../app/services/insights/participation.server.ts";
import { updateSeries } from "../app/services/insights/series.server.ts";
import { roundingBase } from "../app/services/insights/cell-key.ts";
import { label, type Cell } from "../app/services/insights/suppression.ts";
import { prisma } from "../app/utils/db.server.ts";
import { notFound } from "../app/services/errors.ts";
import { authorize } from "../app/services/policy.server.ts";
import { builder } from "./builder.ts";

// Aggregates only (ADR 0022): no type here has a field holding one person's answer; every count went through
// app/services/insights/suppression.ts. Callers without the statistics grant get UNAUTHENTICATED or FORBIDDEN.

const StatsScopeKind = builder.enumType("StatsScopeKind", {
  values: { WEBINAR: { value: "webinar" }, SERIES: { value: "series" }, DIALOGUE: { value: "dialogue" }, PERIOD: { value: "period" } } as const,
});
const StatsBreakdown = builder.enumType("StatsBreakdown", {
  values: { GENDER: { value: "gender" }, AGE_BAND: { value: "age-band" }, PARTNER_SECTOR: { value: "partner-sector" }, REGION: { value: "region" } } as const,
});
const FunnelStage = builder.enumType("FunnelStage", {
  values: { INVITED: { value: "invited" }, REGISTERED: { value: "registered" }, CONFIRMED: { value: "confirmed" }, ATTENDED: { value: "attended" } } as const,
});

const StatsScopeInput = builder.inputType("StatsScopeInput", {
  fields: (t) => ({
    kind: t.field({ type: StatsScopeKind, required: true }),
    id: t.id({ description: "The webinar, series or dialogue; not with PERIOD." }),
    from: t.field({ type: "DateTime", description: "PERIOD: webinars starting from this instant (included): the first instant (UTC) of a calendar month, quarter or year." }),
    to: t.field({ type: "DateTime", description: "PERIOD: up to this instant (excluded): the end of that same month, quarter or year. Other periods are refused (BAD_USER_INPUT)." }),
  }),
});

type CellOut = { cell: Cell; k: number };
const StatsCell = builder.objectRef<CellOut>("StatsCell").implement({
  description: "A published count: value is null when suppressed; display is what pages show (\"<5\" or \"x\"). Participation counts are rounded by cell key (see method).",
  fields: (t) => ({
    value: t.int({ nullable: true, resolve: (c) => (c.cell.kind === "value" ? c.cell.value : null) }),
    display: t.string({ resolve: (c) => label(c.cell, c.k) }),
    suppressed: t.boolean({ resolve: (c) => c.cell.kind !== "value" }),
    belowMinimum: t.boolean({ description: "Suppressed because the count is below the minimum (\"<k\"), not as a complement.", resolve: (c) => c.cell.kind === "small" }),
  }),
});

type RowOut = ParticipationStats["rows"][number] & { k: number };
const StatsRow = builder.objectRef<RowOut>("StatsRow").implement({
  fields: (t) => ({
    category: t.string({ description: "gender: woman, man, non-binary, self-described, prefer-not-to-say, no-answer; age band: under-25 … 65-plus, prefer-not-to-say, no-answer; partner sector: a Sector or NONE; region: a UN region or UNKNOWN.", resolve: (r) => r.category }),
    cells: t.field({ type: [StatsCell], description: "One per stage, in the order of `stages`.", resolve: (r) => r.cells.map((cell) => ({ cell, k: r.k })) }),
    percentOfStage: t.field({ type: ["Int"], nullable: { list: false, items: true }, description: "Share of the stage's total, only from published numbers.", resolve: (r) => r.percentOfStage }),
  }),
});

const ParticipationStatsRef = builder.objectRef<ParticipationStats>("ParticipationStats").implement({
  fields: (t) => ({
    title: t.string({ resolve: (s) => s.scope.title }),
    minCellSize: t.int({ description: "k: counts below it are suppressed.", resolve: (s) => s.k }),
    stages: t.field({ type: [FunnelStage], resolve: (s) => s.stages as Stage[] }),
    rows: t.field({ type: [StatsRow], resolve: (s) => s.rows.map((r) => ({ ...r, k: s.k })) }),
    totals: t.field({ type: [StatsCell], resolve: (s) => s.totals.map((cell) => ({ cell, k: s.k })) }),
    method: t.string({ args: {}, resolve: (s) => translator(insightsUi, "en")("method_body", { k: s.k, b: roundingBase(s.k) }) }),
  }),
});

type PeriodOut = SpeakerBalance["periods"][number] & { k: number };
const SpeakerBalancePeriod = builder.objectRef<PeriodOut>("SpeakerBalancePeriod").implement({
  fields: (t) => ({
    period: t.string({ description: "A calendar quarter, e.g. 2026-Q3.", resolve: (p) => p.label }),
    cells: t.field({ type: [StatsCell], description: "In the order of SpeakerBalance.categories.", resolve: (p) => p.cells.map((cell) => ({ cell, k: p.k })) }),
    total: t.field({ type: StatsCell, resolve: (p) => ({ cell: p.total, k: p.k }) }),
    womenPercent: t.int({ nullable: true, resolve: (p) => p.womenPercent }),
  }),
});

const SpeakerBalanceRef = builder.objectRef<SpeakerBalance>("SpeakerBalance").implement({
  fields: (t) => ({
    seriesId: t.id({ resolve: (b) => b.series.id }),
    title: t.string({ resolve: (b) => b.series.title }),
    parityTarget: t.int({ description: "Per cent of declared speakers who are women, set by staff.", resolve: (b) => b.series.parityTarget }),
    minCellSize: t.int({ resolve: (b) => b.k }),
    categories: t.stringList({ resolve: () => [...PANEL_CATEGORIES] }),
    periods: t.field({ type: [SpeakerBalancePeriod], resolve: (b) => b.periods.map((p) => ({ ...p, k: b.k })) }),
    totals: t.field({ type: [StatsCell], resolve: (b) => b.totals.map((cell) => ({ cell, k: b.k })) }),
    grandTotal: t.field({ type: StatsCell, resolve: (b) => ({ cell: b.grandTotal, k: b.k }) }),
    womenPercent: t.int({ nullable: true, resolve: (b) => b.womenPercent }),
  }),
});

builder.queryFields((t) => ({
  participationStats: t.field({
    type: ParticipationStatsRef,
    description: "invited → registered → confirmed → attended by group, with small-cell suppression. Statistics grant only.",
    args: { scope: t.arg({ type: StatsScopeInput, required: true }), breakdown: t.arg({ type: StatsBreakdown, required: true }) },
    resolve: (_r, a, ctx) =>
      participationStats(ctx.actor, { kind: a.scope.kind as ScopeKind, id: a.scope.id ? String(a.scope.id) : null, from: a.scope.from ?? null, to: a.scope.to ?? null }, a.breakdown as Breakdown),
  }),
  speakerBalance: t.field({
    type: SpeakerBalanceRef,
    description: "Speaker panel composition of a series per quarter against its parity target, suppressed. Statistics grant only.",
    args: { seriesId: t.arg.id({ required: true }) },
    resolve: (_r, a, ctx) => speakerBalance(ctx.actor, String(a.seriesId)),
  }),
}));

builder.mutationFields((t) => ({
  setParityTarget: t.field({
    type: "Int",
    description: "Research team: the share of women speakers (per cent) a series aims at.",
    args: { seriesId: t.arg.id({ required: true }), percent: t.arg.int({ required: true }) },
    resolve: async (_r, a, ctx) => {
      authorize(ctx.actor, { do: "webinar.manage" });
      const series = await prisma().webinarSeries.findUnique({ where: { id: String(a.seriesId) } });
      if (!series) throw notFound();
      return (await updateSeries(ctx.actor, series.id, { title: series.title, parityTarget: a.percent })).parityTarget;
    },
  }),
}));
