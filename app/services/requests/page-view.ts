import { countryName } from "../../schemas/countries.ts";
import { fromDbLanguage, type Lang } from "../../i18n/index.ts";
import type { SupportRequestView } from "./access.server.ts";
import type { Conversation } from "./requests.server.ts";

const day = (d: Date | null, lang: Lang) => (d ? new Intl.DateTimeFormat(lang, { dateStyle: "long", timeZone: "UTC" }).format(d) : null);

/**
 * What a page shows of a request, JSON-safe. Built from what the services allowed: `notes` is null outside the
 * research team, and the requester's address and the assignee are added only for staff.
 */
export function requestPageView(r: SupportRequestView, c: Conversation, lang: Lang, opts: { staff: boolean }) {
  return {
    id: r.id,
    type: r.type,
    status: r.status,
    statusReason: r.statusReason,
    label: r.title ?? r.topic ?? "",
    institution: r.partner.name,
    requester: r.requester?.name ?? null,
    requesterEmail: opts.staff ? (r.requester?.email ?? null) : null,
    assigneeId: opts.staff ? r.assigneeId : null,
    assignee: opts.staff ? (r.assignee?.name ?? null) : null,
    language: fromDbLanguage(r.language) ?? "en",
    region: r.region,
    createdAt: r.createdAt.toISOString(),
    purpose: r.purpose,
    dates: r.startsOn ? [day(r.startsOn, lang), day(r.endsOn, lang)].filter(Boolean).join(" – ") : null,
    audience: r.audience,
    languages: r.languages.map((l) => fromDbLanguage(l) ?? "en"),
    supportKinds: r.supportKinds,
    topic: r.topic,
    country: r.country ? countryName(r.country, lang) : null,
    needs: r.needs,
    webinarId: r.webinarId,
    history: c.history.map((h) => ({ id: h.id, from: h.fromStatus, to: h.toStatus, reason: h.reason, at: h.createdAt.toISOString() })),
    messages: c.messages.map((m) => ({ id: m.id, body: m.body, author: m.authorName, at: m.createdAt.toISOString() })),
    notes: c.notes?.map((n) => ({ id: n.id, body: n.body, author: n.authorName, at: n.createdAt.toISOString() })) ?? null,
  };
}
export type RequestPageView = ReturnType<typeof requestPageView>;
