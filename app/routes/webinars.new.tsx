import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { WebinarForm } from "../components/webinar-form.tsx";
import { webinarsUi } from "../i18n/ui/webinars.ts";
import { authorize } from "../services/policy.server.ts";
import { organiserTimeZone, scheduleWebinar } from "../services/webinars.server.ts";
import { scheduleWebinarFromRequest, webinarPrefill } from "../services/requests/schedule.server.ts";
import { requestsUi } from "../i18n/ui/requests.ts";
import { webinarInputFromForm } from "../schemas/webinar-form.ts";
import { isFailure, orErrorPage, runForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.ts";
import { requireSignedIn } from "../utils/request.server.ts";
import { viewerTimeZone } from "../utils/viewer-time-zone.server.ts";
import { titled } from "../utils/meta.ts";

export const meta = titled("webinar_new");

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireSignedIn(request);
  await orErrorPage(async () => authorize(actor, { do: "webinar.manage" }), request);
  // `?request=<id>`: an accepted event-support request, scheduled in one step (docs/decisions/0023).
  const requestId = new URL(request.url).searchParams.get("request");
  const prefill = requestId ? await orErrorPage(() => webinarPrefill(actor, requestId), request) : null;
  return {
    timeZone: await organiserTimeZone(actor, viewerTimeZone(request).timeZone),
    fromRequest: prefill ? { id: prefill.request.id, title: prefill.request.title ?? "", institution: prefill.request.partner.name, values: prefill.values } : null,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireSignedIn(request);
  const form = await request.formData();
  const values = Object.fromEntries([...form].map(([k, v]) => [k, String(v)]));
  return runForm(async () => {
    const fromRequest = String(form.get("fromRequest") ?? "");
    const input = webinarInputFromForm(form);
    const webinar = fromRequest
      ? await scheduleWebinarFromRequest(actor, fromRequest, input, { refusePast: true })
      : await scheduleWebinar(actor, input, { refusePast: true });
    return redirect(`/webinars/${webinar.id}/manage?saved=scheduled`);
  }, values);
}

export default function NewWebinar() {
  const t = useT(webinarsUi);
  const tr = useT(requestsUi);
  const { timeZone, fromRequest } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <section>
      <h1>{t("form_title_new")}</h1>
      {fromRequest ? (
        <p className="notice">
          {tr("from_request", { title: fromRequest.title, institution: fromRequest.institution })} <a href={`/admin/requests/${fromRequest.id}`}>→</a>
        </p>
      ) : null}
      <WebinarForm
        values={{ askInstitution: "on", askCountry: "on", askAccessNeeds: "on", timeZone: timeZone ?? "", ...fromRequest?.values }}
        failure={isFailure(result) ? result : null}
        zoneHint={timeZone !== null}
        hidden={fromRequest ? { fromRequest: fromRequest.id } : {}}
      />
    </section>
  );
}
