import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors } from "../components/fields.tsx";
import { WebinarRegisterForm } from "../components/webinar-register-form.tsx";
import { manageUi } from "../i18n/ui/webinar-manage.ts";
import { formatDateTime } from "../i18n/index.ts";
import { webinarsUi } from "../i18n/ui/webinars.ts";
import { countryOptions } from "../schemas/countries.ts";
import { can } from "../services/policy.server.ts";
import { questionsOf } from "../services/webinar-manage.server.ts";
import { myRegistration } from "../services/webinar-registrations.server.ts";
import { getWebinar, webinarPageUrl, webinarText } from "../services/webinars.server.ts";
import { calendarLinks } from "../utils/calendar-links.ts";
import { isFailure, orErrorPage } from "../utils/forms.server.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { clientIp } from "../utils/session.server.ts";
import { pageContext } from "../utils/request.server.ts";
import { viewerTimeZone } from "../utils/viewer-time-zone.server.ts";
import { webinarPageAction } from "../services/webinar-page-actions.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.title ?? "Webinar"} · GenMig Hub` }];

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
    questions: questionsOf(w),
    countries: countryOptions(lang),
    staff,
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { actor } = await pageContext(request);
  return webinarPageAction(actor, params.id!, await request.formData(), { ip: clientIp(context) });
}

export default function WebinarPage() {
  const t = useT(webinarsUi);
  const tm = useT(manageUi);
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
      <h1>{w.title}</h1>
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
      <p style={{ whiteSpace: "pre-wrap" }}>{w.description}</p>
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
            questions={w.questions}
            countries={w.countries}
            defaultZone={zone}
            failure={failure}
          />
        </>
      ) : null}
      {w.staff ? (
        <p>
          <Link to={`/webinars/${w.id}/manage`} className="button">
            {tm("manage")}
          </Link>
        </p>
      ) : null}
    </section>
  );
}
