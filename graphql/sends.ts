import { apiRequestKey, distributePublication, sendDistributionTest } from "../app/services/sends/distribution.server.ts";
import { listSends, type SendProgress } from "../app/services/sends/sends.server.ts";
import { mailTrackingSetting, setMailTracking } from "../app/services/sends/tracking.server.ts";
import { builder } from "./builder.ts";
import { Language, Region, Sector, Topic, toLang } from "./enums.ts";

// Digests and distributions (docs/decisions/0019-bulk-sending.md): aggregate counts and progress only.

const SendKind = builder.enumType("SendKind", { values: ["DIGEST_WEEKLY", "DIGEST_MONTHLY", "DISTRIBUTION", "DISTRIBUTION_UPDATE"] as const });
const SendStatus = builder.enumType("SendStatus", { values: ["COMPOSING", "SENDING", "DONE"] as const });

const Send = builder.objectRef<SendProgress>("Send").implement({
  description: "A digest run or a distribution. Counts are totals; nothing is kept per recipient.",
  fields: (t) => ({
    id: t.exposeID("id"),
    kind: t.expose("kind", { type: SendKind }),
    status: t.expose("status", { type: SendStatus }),
    total: t.exposeInt("total", { description: "People considered." }),
    enqueued: t.exposeInt("enqueued", { description: "Messages queued (people with something to receive, not suppressed)." }),
    sent: t.exposeInt("sent", { description: "Accepted by the mail server." }),
    failed: t.exposeInt("failed", { description: "Refused permanently, or out of retries." }),
    bounced: t.exposeInt("bounced", { description: "Reported bounced afterwards by the provider's webhook." }),
    delivered: t.exposeInt("delivered", { description: "Sent and not bounced." }),
    opens: t.exposeInt("opens", {
      nullable: true,
      description: "Tracking-image loads: a total, not people (blocked images count none, prefetching counts some). Null when the send was not tracked.",
    }),
    clicks: t.exposeInt("clicks", { nullable: true, description: "Link clicks: a total, not people. Null when the send was not tracked." }),
    pending: t.exposeInt("pending"),
    ratePerSecond: t.exposeFloat("ratePerSecond", { description: "Bulk messages per second over the last minutes (all sends), else the configured rate." }),
    startedAt: t.expose("startedAt", { type: "DateTime" }),
    finishedAt: t.expose("finishedAt", { type: "DateTime", nullable: true }),
    estimatedFinish: t.expose("estimatedFinish", { type: "DateTime", nullable: true, description: "Null until a rate is known. Includes waits for the daily cap." }),
    publicationId: t.exposeID("publicationId", { nullable: true }),
  }),
});

const DistributionSegmentInput = builder.inputType("DistributionSegmentInput", {
  description: "Empty lists mean any. Subscribers match only topics and languages.",
  fields: (t) => ({
    sectors: t.field({ type: [Sector] }),
    regions: t.field({ type: [Region] }),
    topics: t.field({ type: [Topic] }),
    dialogueIds: t.idList(),
    languages: t.field({ type: [Language] }),
    includeSubscribers: t.boolean(),
  }),
});

builder.queryFields((t) => ({
  mailTracking: t.boolean({
    description: "Whether sends composed from now on count opens and clicks (aggregate only). Research team only.",
    resolve: (_r, _a, ctx) => mailTrackingSetting(ctx.actor),
  }),
  sends: t.field({
    type: [Send],
    description: "The 50 most recent sends with progress and estimated finish. Research team only.",
    resolve: (_r, _a, ctx) => listSends(ctx.actor),
  }),
}));

const progress = async (actor: Parameters<typeof listSends>[0], id: string) => (await listSends(actor, { ids: [id] }))[0];

builder.mutationFields((t) => ({
  setMailTracking: t.boolean({
    description: "Turns aggregate open/click counting on or off for sends composed from now on; recorded in the audit log. Administrators only.",
    args: { enabled: t.arg.boolean({ required: true }) },
    resolve: async (_r, a, ctx) => (await setMailTracking(ctx.actor, a.enabled)).enabled,
  }),
  distributePublication: t.field({
    type: Send,
    description:
      "Sends a published item to a segment, each person in their language (else English); only people the audience rule lets see it. A segment this item already went to is CONFLICT unless `sendAgain` (audited).",
    args: {
      id: t.arg.id({ required: true }),
      segment: t.arg({ type: DistributionSegmentInput, required: true }),
      sendAgain: t.arg.boolean({ defaultValue: false, description: "Send to a segment this item already went to, again (each person gets it a second time)." }),
      idempotencyKey: t.arg.string({ description: "Repeating a call with the same key answers the send it made and sends nothing more." }),
    },
    resolve: async (_r, a, ctx) => {
      const s = a.segment;
      const key = a.idempotencyKey && ctx.actor.kind === "user" ? apiRequestKey(ctx.actor.id, a.idempotencyKey) : undefined;
      const send = await distributePublication(ctx.actor, String(a.id), {
        sectors: s.sectors ?? [],
        regions: s.regions ?? [],
        topics: s.topics ?? [],
        dialogueIds: (s.dialogueIds ?? []).map(String),
        languages: (s.languages ?? []).map(toLang),
        includeSubscribers: s.includeSubscribers ?? false,
      }, { again: a.sendAgain ?? false, requestKey: key });
      return progress(ctx.actor, send.id);
    },
  }),
  sendDistributionTest: t.field({
    type: Send,
    description: "The distribution mail in one language, to yourself, before sending it to a segment.",
    args: { id: t.arg.id({ required: true }), language: t.arg({ type: Language, required: true }) },
    resolve: async (_r, a, ctx) => progress(ctx.actor, (await sendDistributionTest(ctx.actor, String(a.id), toLang(a.language))).id),
  }),
}));
