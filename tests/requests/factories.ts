import type { SignedInActor } from "../../app/services/policy.server.ts";
import { requestEventSupport, requestFieldConnection } from "../../app/services/requests/requests.server.ts";
import type { Lang } from "../../app/i18n/index.ts";

const inAMonth = () => new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

/** An event-support request through the real use case (rate limits included: at most 5 per person and hour). */
export function makeEventRequest(by: SignedInActor, opts: { title?: string; language?: Lang; languages?: Lang[]; partnerId?: string } = {}) {
  return requestEventSupport(
    by,
    {
      partnerId: opts.partnerId,
      title: opts.title ?? "Regional forum on women migrant workers",
      purpose: "Share the lab's findings with labour ministries.\nSecond line of the purpose.",
      startsOn: inAMonth(),
      audience: "Labour ministries and trade unions",
      languages: opts.languages ?? ["en", "fr"],
      supportKinds: ["SPEAKERS", "HOSTING_WEBINAR"],
    },
    { language: opts.language },
  );
}

export function makeFieldRequest(by: SignedInActor, opts: { topic?: string; country?: string; region?: string; language?: Lang } = {}) {
  return requestFieldConnection(
    by,
    { topic: opts.topic ?? "Return and reintegration data", country: opts.country ?? "SN", region: opts.region, needs: "Meet the protection team in Dakar." },
    { language: opts.language },
  );
}
