import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors } from "../components/fields.tsx";
import { fromDbLanguage, type Lang } from "../i18n/index.ts";
import { RegistrationCard } from "../components/registration-card.tsx";
import { journeysUi } from "../i18n/ui/journeys.ts";
import { changeRegistrationZone, registrationCard } from "../services/my-registrations.server.ts";
import { TimeZoneOptions } from "../components/time-zone-options.tsx";
import { webinarPageUrl } from "../services/webinars.server.ts";
import { calendarLinks } from "../utils/calendar-links.ts";
import { formatWhen } from "../utils/zone-display.ts";
import { webinarsUi } from "../i18n/ui/webinars.ts";
import { ANONYMOUS } from "../services/policy.server.ts";
import {
  cancelWebinarRegistration,
  confirmRegistrationEmail,
  confirmRegistrationRequest,
  registrationForToken,
  registrationRequestForToken,
} from "../services/webinar-registrations.server.ts";
import { webinarText } from "../services/webinars.server.ts";
import { isFailure, orErrorPage, runForm } from "../utils/forms.server.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { titled } from "../utils/meta.ts";

export const meta = titled("registration", [{ name: "robots", content: "noindex" }]);

function calendarOf(w: Parameters<typeof webinarText>[0] & { id: string; status: string; startsAt: Date; endsAt: Date }, lang: Lang) {
  if (w.status === "CANCELLED") return null;
  const text = webinarText(w, lang);
  return { ...calendarLinks({ title: text.title, description: text.description, startsAt: w.startsAt, endsAt: w.endsAt, url: webinarPageUrl(w.id) }), ics: `/webinars/${w.id}/event.ics` };
}

// The link in every webinar email. Like sign-in links, GET only shows buttons: mail scanners change nothing.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const token = params.token ?? "";
  // A confirmation link names a request that becomes a registration only when its button is pressed.
  const pending = await orErrorPage(() => registrationRequestForToken(token), request);
  if (pending) {
    const lang = fromDbLanguage((pending.answers as { language?: string }).language ?? null) ?? "en";
    return {
      title: webinarText(pending.webinar, lang).title,
      webinarId: pending.webinarId,
      startsAt: pending.webinar.startsAt.toISOString(),
      endsAt: pending.webinar.endsAt.toISOString(),
      timeZone: String((pending.answers as { timeZone?: string }).timeZone ?? "UTC"),
      // Confirmed through this link: show where they stand; the emails that follow carry the link that can cancel.
      card: pending.registration ? { ...(await registrationCard(pending.registration, pending.webinar)), canCancel: false } : null,
      calendar: calendarOf(pending.webinar, lang),
      askCancel: false,
      status: pending.registration?.status ?? ("UNCONFIRMED" as const),
      offerConfirm: !pending.confirmedAt,
      manage: false,
    };
  }
  const reg = await orErrorPage(() => registrationForToken(token), request);
  const lang = fromDbLanguage(reg.language) ?? "en";
  const w = reg.webinar;
  return {
    title: webinarText(w, lang).title,
    webinarId: reg.webinarId,
    startsAt: w.startsAt.toISOString(),
    endsAt: w.endsAt.toISOString(),
    timeZone: reg.timeZone,
    card: await registrationCard(reg, w),
    calendar: calendarOf(w, lang),
    askCancel: new URL(request.url).searchParams.get("cancel") === "1",
    status: reg.status,
    offerConfirm: reg.status === "UNCONFIRMED" && new URL(request.url).searchParams.has("confirm"),
    manage: true,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const token = params.token ?? "";
  const form = await request.formData();
  const intent = form.get("intent");
  return runForm(async () => {
    if (intent === "zone") {
      const reg = await registrationForToken(token);
      return { ok: true as const, status: reg.status, zoneSaved: (await changeRegistrationZone(reg.id, String(form.get("timeZone") ?? ""))).timeZone };
    }
    if (intent === "confirm" && (await registrationRequestForToken(token))) {
      return { ok: true as const, status: (await confirmRegistrationRequest(token)).status };
    }
    if (intent === "confirm") return { ok: true as const, status: (await confirmRegistrationEmail(token)).status };
    const reg = await registrationForToken(token);
    return { ok: true as const, status: (await cancelWebinarRegistration(ANONYMOUS, reg.id, true)).status };
  });
}

export default function ManageRegistration() {
  const t = useT(webinarsUi);
  const tj = useT(journeysUi);
  const lang = useLang();
  const r = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const status = result && !isFailure(result) ? result.status : r.status;
  const card = r.card ? { ...r.card, status, canCancel: r.card.canCancel && status !== "CANCELLED", joinPath: status === "CONFIRMED" ? r.card.joinPath : null, joinLater: r.card.joinLater && status === "CONFIRMED" } : null;
  return (
    <section>
      <h1>{t("manage_title")}</h1>
      <FormErrors failure={isFailure(result) ? result : null} />
      <p>
        <a href={`/webinars/${r.webinarId}`}>{r.title}</a>
      </p>
      <p className="when">{formatWhen(new Date(r.startsAt), new Date(r.endsAt), lang, r.timeZone)}</p>
      {result && !isFailure(result) && status === "CANCELLED" ? (
        <p className="notice" role="status">
          {tj("cancelled_notice")}
        </p>
      ) : null}
      {card ? (
        <RegistrationCard card={card} calendar={r.calendar} askCancel={r.askCancel} askCancelHref="?cancel=1#registration" keepHref="?#registration" cancelFields={{ intent: "cancel" }} />
      ) : (
        <p className="notice" role="status">
          {t("your_status", { status: t(`reg_${status}`) })}
        </p>
      )}
      {r.manage && status !== "CANCELLED" && status !== "DENIED" ? (
        <Form method="post" className="zone-form">
          <label htmlFor="f-timeZone">{tj("your_zone")}</label>
          <p className="hint">{tj("your_zone_hint")}</p>
          <select id="f-timeZone" name="timeZone" defaultValue={r.timeZone} key={r.timeZone}>
            <TimeZoneOptions current={r.timeZone} />
          </select>{" "}
          <button type="submit" name="intent" value="zone" className="secondary">
            {tj("save_zone")}
          </button>
          {result && !isFailure(result) && "zoneSaved" in result ? (
            <p className="notice" role="status">
              {tj("zone_saved")}
            </p>
          ) : null}
        </Form>
      ) : null}
      {r.offerConfirm && status === "UNCONFIRMED" ? (
        <Form method="post">
          <button type="submit" name="intent" value="confirm">
            {t("confirm_button")}
          </button>
        </Form>
      ) : null}
    </section>
  );
}
