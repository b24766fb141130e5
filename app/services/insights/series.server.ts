import { z } from "zod";
import { text } from "../../schemas/fields.ts";
import { parseInput } from "../../schemas/validate.ts";
import { prisma } from "../../utils/db.server.ts";
import { recordAudit } from "../audit.server.ts";
import { notFound } from "../errors.ts";
import { authorize, type Actor } from "../policy.server.ts";

// The research team groups webinars into series and sets each series' parity target (share of women speakers).
const seriesSchema = z.object({
  title: text(200),
  parityTarget: z.coerce.number({ invalid_type_error: "invalid_percent" }).int("invalid_percent").min(0, "invalid_percent").max(100, "invalid_percent"),
});

export async function listSeries(actor: Actor) {
  authorize(actor, { do: "webinar.manage" });
  return prisma().webinarSeries.findMany({ orderBy: { title: "asc" }, include: { _count: { select: { webinars: true } } } });
}

export async function createSeries(actor: Actor, input: unknown) {
  authorize(actor, { do: "webinar.manage" });
  const data = parseInput(seriesSchema, input);
  return prisma().$transaction(async (tx) => {
    const series = await tx.webinarSeries.create({ data });
    await recordAudit(tx, actor, "series.created", { type: "WebinarSeries", id: series.id }, { parityTarget: data.parityTarget });
    return series;
  });
}

export async function updateSeries(actor: Actor, id: string, input: unknown) {
  authorize(actor, { do: "webinar.manage" });
  const data = parseInput(seriesSchema, input);
  return prisma().$transaction(async (tx) => {
    const found = await tx.webinarSeries.findUnique({ where: { id } });
    if (!found) throw notFound();
    const series = await tx.webinarSeries.update({ where: { id }, data });
    await recordAudit(tx, actor, "series.updated", { type: "WebinarSeries", id }, { parityTarget: data.parityTarget });
    return series;
  });
}

/** Puts a webinar in a series, or takes it out with null. */
export async function setWebinarSeries(actor: Actor, webinarId: string, seriesId: string | null) {
  authorize(actor, { do: "webinar.manage" });
  return prisma().$transaction(async (tx) => {
    const webinar = await tx.webinar.findUnique({ where: { id: webinarId }, select: { id: true } });
    if (!webinar || (seriesId && !(await tx.webinarSeries.findUnique({ where: { id: seriesId } })))) throw notFound();
    await tx.webinar.update({ where: { id: webinarId }, data: { seriesId } });
    await recordAudit(tx, actor, "series.webinar_set", { type: "Webinar", id: webinarId }, { seriesId });
  });
}

/** Webinars staff may file into a series, newest first. */
export async function webinarsForSeries(actor: Actor) {
  authorize(actor, { do: "webinar.manage" });
  return prisma().webinar.findMany({ orderBy: { startsAt: "desc" }, take: 200, select: { id: true, startsAt: true, seriesId: true, translations: { select: { language: true, title: true } } } });
}
