import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors } from "../components/fields.tsx";
import { manageUi } from "../i18n/ui/webinar-manage.ts";
import { RegistrationCard, CalendarLine, CheckEmailCard } from "../components/registration-card.tsx";
import { RichText } from "../components/rich-text.tsx";
import { ResendLinkForm, WebinarRegisterForm } from "../components/webinar-register-form.tsx";
import { TimeZonePicker } from "../components/time-zone-picker.tsx";
import { journeysUi, type JourneysKey } from "../i18n/ui/journeys.ts";
import { registrationCard, resendRegistrationLink } from "../services/my-registrations.server.ts";
import { cancelWebinarRegistration } from "../services/webinar-registrations.server.ts";
import { isTimeZone } from "../utils/time-zones.ts";
import { formatWhen } from "../utils/zone-display.ts";
import { runForm } from "../utils/forms.server.ts";
import { webinarsUi } from "../i18n/ui/webinars.ts";
import { countryOptions } from "../schemas/countries.ts";
import { can } from "../services/policy.server.ts";
import { questionsFor } from "../services/webinar-manage.server.ts";
import { myRegistration } from "../services/webinar-registrations.server.ts";
import { getWebinar, webinarPageUrl, webinarText } from "../services/webinars.server.ts";
import { calendarLinks } from "../utils/calendar-links.ts";
import { isFailure, orErrorPage } from "../utils/forms.server.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { clientIp } from "../utils/session.server.ts";
import { pageContext } from "../utils/request.server.ts";
import { accountZone } from "../utils/reader-zone.server.ts";
import { viewerTimeZone, zoneCookie } from "../utils/viewer-time-zone.server.ts";
import { webinarPageAction } from "../services/webinar-page-actions.server.ts";
import { withPreview } from "../utils/meta.ts";
import { InLanguage } from "../components/in-language.tsx";
import { minCell } from "../services/insights/config.server.ts";
import { PublicationCardView } from "../components/publication-card.tsx";
import { publicationsUi } from "../i18n/ui/publications.ts";
import { listPublications } from "../services/publications/publications.server.ts";
import { publicationCard } from "../services/publications/view.ts";

export const meta: MetaFunction<typeof loader> = (args) =>
  withPreview(args, args.data ? { title: args.data.title, description: args.data.description, type: "article" } : null, "webinar");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, lang } = await pageContext(request);
  const w = await orErrorPage(() => getWebinar(actor, params.id!), request);
  const text = webinarText(w, lang);
  const staff = can(actor, { do: "webinar.manage" });
  const mine = await myRegistration(actor, w.id);
  const open = w.status === "SCHEDULED" && w.endsAt > new Date();
  const url = new URL(request.url);
  // Never the event's zone on the person's behalf: their pick (cookie), else the zone they chose last time.
  const viewerZone = viewerTimeZone(request).timeZone ?? accountZone(actor);
  // Recording, slides and follow-up brief appear once the event is over, each under its own audience rule.
  const materials = w.endsAt <= new Date() ? (await listPublications(actor, { webinarId: w.id }, { first: 10 })).nodes : [];
  return {
    id: w.id,
    title: text.title,
    description: text.description,
    textLang: text.language,
    startsAt: w.startsAt.toISOString(),
    endsAt: w.endsAt.toISOString(),
    timeZone: w.timeZone,
    viewerZone,
    audience: w.audience,
    cancelled: w.status === "CANCELLED",
    cancelReason: w.cancelReason,
    open,
    speakers: w.speakers.map((s) => ({ name: s.name, affiliation: s.affiliation, role: s.role })),
    links: calendarLinks({ title: text.title, description: text.description, startsAt: w.startsAt, endsAt: w.endsAt, url: webinarPageUrl(w.id) }),
    card: mine ? await registrationCard(mine, w) : null,
    askCancel: url.searchParams.get("cancel") === "1",
    // a cancelled registration may register again, as the use case allows
    canRegister: open && (!mine || mine.status === "CANCELLED") && can(actor, { do: "webinar.register", webinar: w }),
    needsSignIn: open && actor.kind === "anonymous" && w.audience === "PARTNERS",
    signedInAs: actor.kind === "user" ? actor.name : null,
    ask: { institution: w.askInstitution, country: w.askCountry, accessNeeds: w.askAccessNeeds },
    questions: questionsFor(w, lang),
    countries: countryOptions(lang),
    staff,
    minCell: minCell(),
    materials: materials.map((p) => publicationCard(p, lang)),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { actor } = await pageContext(request);
  const form = await request.formData();
  const requester = { ip: clientIp(context) };
  const intent = form.get("intent");
  if (intent === "resend") {
    const email = String(form.get("email") ?? "");
    return runForm(async () => ({ ...(await resendRegistrationLink(params.id!, { email }, requester)), resent: true as const }), { email, intent: "resend" });
  }
  if (intent === "cancel-mine") {
    return runForm(async () => {
      await cancelWebinarRegistration(actor, String(form.get("registrationId") ?? ""));
      return { ok: true as const, notice: "cancelled_notice" as const };
    });
  }
  const result = await webinarPageAction(actor, params.id!, form, requester);
  // The zone picked while registering becomes the one pages show this person from now on.
  const zone = String(form.get("timeZone") ?? "");
  if (intent === "register" && (result as { ok?: unknown }).ok === true && isTimeZone(zone)) return data(result, { headers: { "set-cookie": zoneCookie(zone) } });
  return result;
}

export default function WebinarPage() {
  const t = useT(webinarsUi);
  const tp = useT(publicationsUi);
  const tm = useT(manageUi);
  const tj = useT(journeysUi);
  const lang = useLang();
  const w = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = isFailure(result) ? result : null;
  const done = result && !isFailure(result) ? (result as { notice?: string; vars?: Record<string, string | number>; resent?: true; email?: string }) : null;
  const startsAt = new Date(w.startsAt);
  const endsAt = new Date(w.endsAt);
  // An anonymous visitor who just registered (or asked again) sees "check your email", never the empty form.
  const checkEmail = done?.resent ? String(done.email) : done?.notice === "registered_unconfirmed" ? String(done.vars?.email ?? "") : null;
  const notice = done?.notice && !done.notice.startsWith("registered_") && done.notice !== "cancelled_notice" ? done.notice : null;
  const calendar = w.cancelled ? null : { ...w.links, ics: `/webinars/${w.id}/event.ics` };
  const path = `/webinars/${w.id}`;
  return (
    <section>
      <p>
        <Link to="/webinars">{t("webinars_title")}</Link>
      </p>
      <InLanguage lang={w.textLang} as="h1">
        {w.title}
      </InLanguage>
      <p className="when">
        {w.viewerZone ? formatWhen(startsAt, endsAt, lang, w.viewerZone) : tj("event_time", { when: formatWhen(startsAt, endsAt, lang, w.timeZone) })}{" "}
        <span className="badge">{w.cancelled ? t("cancelled_badge") : t(`audience_${w.audience}`)}</span>
      </p>
      {w.viewerZone && w.viewerZone !== w.timeZone ? <p className="meta">{tj("event_time", { when: formatWhen(startsAt, endsAt, lang, w.timeZone) })}</p> : null}
      {w.viewerZone ? null : <TimeZonePicker current={null} />}
      <FormErrors failure={failure} />
      {w.cancelled && w.cancelReason ? <p className="alert">{w.cancelReason}</p> : null}
      {notice ? (
        <p className="notice" role="status">
          {notice in journeysUi.en ? tj(notice as JourneysKey, done?.vars) : t(notice as Parameters<typeof t>[0], done?.vars)}
        </p>
      ) : null}
      {done?.notice === "cancelled_notice" ? (
        <p className="notice" role="status">
          {tj("cancelled_notice")}
        </p>
      ) : null}
      {w.card && w.card.status !== "CANCELLED" ? (
        <RegistrationCard
          card={w.card}
          calendar={calendar}
          askCancel={w.askCancel}
          askCancelHref={`${path}?cancel=1#registration`}
          keepHref={`${path}#registration`}
          cancelFields={{ intent: "cancel-mine", registrationId: w.card.id }}
        />
      ) : checkEmail !== null ? (
        <CheckEmailCard email={checkEmail} webinarId={w.id} resent={Boolean(done?.resent)} />
      ) : null}
      {w.description.trim() ? (
        <InLanguage lang={w.textLang} as="div" note className="description">
          <RichText text={w.description} />
        </InLanguage>
      ) : null}
      {w.materials.length ? (
        <>
          <h2>{tp("webinar_materials")}</h2>
          <ul className="cards">
            {w.materials.map((p) => (
              <PublicationCardView key={p.id} p={p} />
            ))}
          </ul>
        </>
      ) : null}
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
      {calendar && !(w.card && w.card.status === "CONFIRMED") ? <CalendarLine links={calendar} /> : null}
      {w.needsSignIn ? (
        <>
          <p>{t("sign_in_for_partners")}</p>
          <p>
            <Link to={`/auth/sign-in?redirectTo=${encodeURIComponent(path)}`} className="button">
              {tj("sign_in_to_register")}
            </Link>
          </p>
        </>
      ) : null}
      {w.canRegister && checkEmail === null ? (
        <>
          <h2 id="register">{t("register_title")}</h2>
          <WebinarRegisterForm
            minCell={w.minCell}
            signedInAs={w.signedInAs}
            ask={w.ask}
            questions={w.questions}
            countries={w.countries}
            defaultZone={w.viewerZone}
            failure={failure && failure.values?.intent !== "resend" ? failure : null}
            signInHref={`/auth/sign-in?redirectTo=${encodeURIComponent(path)}`}
          />
          {w.signedInAs ? null : <ResendLinkForm webinarId={w.id} failure={failure?.values?.intent === "resend" ? failure : null} />}
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
