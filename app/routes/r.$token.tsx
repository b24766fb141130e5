import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors } from "../components/fields.tsx";
import { formatDateTime, fromDbLanguage } from "../i18n/index.ts";
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
      timeZone: String((pending.answers as { timeZone?: string }).timeZone ?? "UTC"),
      status: pending.registration?.status ?? ("UNCONFIRMED" as const),
      offerConfirm: !pending.confirmedAt,
      manage: false,
    };
  }
  const reg = await orErrorPage(() => registrationForToken(token), request);
  const lang = fromDbLanguage(reg.language) ?? "en";
  return {
    title: webinarText(reg.webinar, lang).title,
    webinarId: reg.webinarId,
    startsAt: reg.webinar.startsAt.toISOString(),
    timeZone: reg.timeZone,
    status: reg.status,
    offerConfirm: reg.status === "UNCONFIRMED" && new URL(request.url).searchParams.has("confirm"),
    manage: true,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const token = params.token ?? "";
  const intent = (await request.formData()).get("intent");
  return runForm(async () => {
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
  const lang = useLang();
  const r = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const status = result && !isFailure(result) ? result.status : r.status;
  // A confirmation link only confirms; the emails that follow carry the link that can cancel.
  const active = r.manage && status !== "CANCELLED" && status !== "DENIED";
  return (
    <section>
      <h1>{t("manage_title")}</h1>
      <FormErrors failure={isFailure(result) ? result : null} />
      <p>
        <a href={`/webinars/${r.webinarId}`}>{r.title}</a> — {formatDateTime(new Date(r.startsAt), lang, r.timeZone)}
      </p>
      <p className="notice" role="status">
        {t("your_status", { status: t(`reg_${status}`) })}
      </p>
      {r.offerConfirm && status === "UNCONFIRMED" ? (
        <Form method="post">
          <button type="submit" name="intent" value="confirm">
            {t("confirm_button")}
          </button>
        </Form>
      ) : null}
      {active ? (
        <Form method="post">
          <p>
            <button type="submit" name="intent" value="cancel" className="danger">
              {t("cancel_registration")}
            </button>
          </p>
        </Form>
      ) : null}
    </section>
  );
}
