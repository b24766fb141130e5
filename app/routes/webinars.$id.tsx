import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors } from "../components/fields.tsx";
import { WebinarRegisterForm } from "../components/webinar-register-form.tsx";
import { WebinarStaffPanel } from "../components/webinar-staff.tsx";
import { formatDateTime } from "../i18n/index.ts";
import { webinarsUi } from "../i18n/ui/webinars.ts";
import { countryOptions } from "../schemas/countries.ts";
import { can } from "../services/policy.server.ts";
import { listRegistrations, myRegistration, registrationCounts } from "../services/webinar-registrations.server.ts";
import { pageArgsFromUrl } from "../schemas/page.ts";
import type { Actor } from "../services/policy.server.ts";
import { getWebinar, panelBalance, webinarPageUrl, webinarText } from "../services/webinars.server.ts";
import { calendarLinks } from "../utils/calendar-links.ts";
import { isFailure, orErrorPage } from "../utils/forms.server.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { clientIp } from "../utils/session.server.ts";
import { pageContext } from "../utils/request.server.ts";
import { viewerTimeZone } from "../utils/viewer-time-zone.server.ts";
import { webinarPageAction } from "../services/webinar-page-actions.server.ts";
import { withPreview } from "../utils/meta.ts";
import { InLanguage } from "../components/in-language.tsx";

export const meta: MetaFunction<typeof loader> = (args) =>
  withPreview(args, args.data ? { title: args.data.title, description: args.data.description, type: "article" } : null, "webinar");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, lang } = await pageContext(request);
  const w = await orErrorPage(() => getWebinar(actor, params.id!), request);
  const text = webinarText(w, lang);
  const staff = can(actor, { do: "webinar.manage" });
  const mine = await myRegistration(actor, w.id);
  const open = w.status === "SCHEDULED" && w.endsAt > new Date();
  return {
    id: w.id,
    title: text.title,
    description: text.description,
    textLang: text.language,
    startsAt: w.startsAt.toISOString(),
    endsAt: w.endsAt.toISOString(),
    timeZone: w.timeZone,
    viewerZone: viewerTimeZone(request).timeZone,
    audience: w.audience,
    cancelled: w.status === "CANCELLED",
    cancelReason: w.cancelReason,
    open,
    speakers: w.speakers.map((s) => ({ name: s.name, affiliation: s.affiliation, role: s.role })),
    links: calendarLinks({ title: text.title, description: text.description, startsAt: w.startsAt, endsAt: w.endsAt, url: webinarPageUrl(w.id) }),
    myStatus: mine?.status ?? null,
    // a cancelled registration may register again, as the use case allows
    canRegister: open && (!mine || mine.status === "CANCELLED") && can(actor, { do: "webinar.register", webinar: w }),
    needsSignIn: open && actor.kind === "anonymous" && w.audience === "PARTNERS",
    signedInAs: actor.kind === "user" ? actor.name : null,
    ask: { institution: w.askInstitution, country: w.askCountry, accessNeeds: w.askAccessNeeds },
    countries: countryOptions(lang),
    staff: staff ? await staffView(actor, w, new URL(request.url)) : null,
  };
}

const REGISTRATIONS_PAGE = 50;
const REG_STATUSES = ["UNCONFIRMED", "PENDING_APPROVAL", "CONFIRMED", "WAITLISTED", "CANCELLED", "DENIED"] as const;

/** The research team's tools: panel balance, counts, and one filterable page of registrations. */
async function staffView(actor: Actor, w: Awaited<ReturnType<typeof getWebinar>>, url: URL) {
  const status = REG_STATUSES.find((x) => x === url.searchParams.get("rstatus"));
  const q = url.searchParams.get("rq") ?? "";
  const [page, counts] = await Promise.all([
    listRegistrations(actor, w.id, { status: status ? [status] : undefined, search: q }, pageArgsFromUrl(url, REGISTRATIONS_PAGE, "r")),
    registrationCounts([w.id]),
  ]);
  return {
    balance: panelBalance(w.speakers),
    cancelled: w.status === "CANCELLED",
    counts: counts.get(w.id)!,
    filter: { status: status ?? "", q },
    pageInfo: page.pageInfo,
    registrations: page.nodes.map((r) => ({
      id: r.id,
      name: r.name,
      email: r.email,
      status: r.status,
      institution: r.institution,
      country: r.country,
      access: [r.captions ? "CC" : "", r.signLanguage ? "SL" : "", r.interpretationLanguage ?? ""].filter(Boolean).join(", "),
      attended: r.attended,
    })),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { actor } = await pageContext(request);
  return webinarPageAction(actor, params.id!, await request.formData(), { ip: clientIp(context) });
}

export default function WebinarPage() {
  const t = useT(webinarsUi);
  const lang = useLang();
  const w = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = isFailure(result) ? result : null;
  const zone = w.viewerZone ?? w.timeZone;
  const when = `${formatDateTime(new Date(w.startsAt), lang, zone)} – ${formatDateTime(new Date(w.endsAt), lang, zone)}`;
  return (
    <section>
      <p>
        <Link to="/webinars">{t("webinars_title")}</Link>
      </p>
      <InLanguage lang={w.textLang} as="h1">
        {w.title}
      </InLanguage>
      <p className="meta">
        {when}
        {zone !== w.timeZone ? ` · ${t("event_zone", { zone: w.timeZone })}` : ` (${w.timeZone})`} ·{" "}
        <span className="badge">{w.cancelled ? t("cancelled_badge") : t(`audience_${w.audience}`)}</span>
      </p>
      <FormErrors failure={failure} />
      {w.cancelled && w.cancelReason ? <p className="alert">{w.cancelReason}</p> : null}
      {result && !isFailure(result) ? (
        <p className="notice" role="status">
          {t(result.notice, result.vars)}
        </p>
      ) : null}
      <InLanguage lang={w.textLang} as="div" note className="description">
        <p style={{ whiteSpace: "pre-wrap" }}>{w.description}</p>
      </InLanguage>
      {w.speakers.length ? (
        <>
          <h2>{t("speakers")}</h2>
          <ul>
            {w.speakers.map((s) => (
              <li key={s.name}>
                {s.name}
                {s.affiliation ? `, ${s.affiliation}` : ""}
                {s.role === "MODERATOR" ? ` (${t("moderator")})` : ""}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {w.cancelled ? null : (
        <p>
          {t("add_to_calendar")}: <a href={w.links.google}>Google</a> · <a href={w.links.outlook}>Outlook.com</a> ·{" "}
          <a href={w.links.office365}>Office 365</a> · <a href={w.links.yahoo}>Yahoo</a> ·{" "}
          <a href={`/webinars/${w.id}/event.ics`}>{t("download_ics")}</a>
        </p>
      )}
      {w.myStatus ? <p className="notice">{t("your_status", { status: t(`reg_${w.myStatus}`) })}</p> : null}
      {w.needsSignIn ? (
        <p>
          <Link to={`/auth/sign-in?redirectTo=/webinars/${w.id}`}>{t("sign_in_for_partners")}</Link>
        </p>
      ) : null}
      {w.canRegister ? (
        <>
          <h2>{t("register_title")}</h2>
          <WebinarRegisterForm
            signedInAs={w.signedInAs}
            ask={w.ask}
            countries={w.countries}
            defaultZone={zone}
            failure={failure}
          />
        </>
      ) : null}
      {w.staff ? <WebinarStaffPanel id={w.id} view={w.staff} errors={failure?.fieldErrors} /> : null}
    </section>
  );
}
