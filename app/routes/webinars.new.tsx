import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { WebinarForm } from "../components/webinar-form.tsx";
import { webinarsUi } from "../i18n/ui/webinars.ts";
import { authorize } from "../services/policy.server.ts";
import { organiserTimeZone, scheduleWebinar } from "../services/webinars.server.ts";
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
  return { timeZone: await organiserTimeZone(actor, viewerTimeZone(request).timeZone) };
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireSignedIn(request);
  const form = await request.formData();
  const values = Object.fromEntries([...form].map(([k, v]) => [k, String(v)]));
  return runForm(async () => {
    const webinar = await scheduleWebinar(actor, webinarInputFromForm(form), { refusePast: true });
    return redirect(`/webinars/${webinar.id}/manage?saved=scheduled`);
  }, values);
}

export default function NewWebinar() {
  const t = useT(webinarsUi);
  const { timeZone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <section>
      <h1>{t("form_title_new")}</h1>
      <WebinarForm values={{ askInstitution: "on", askCountry: "on", askAccessNeeds: "on", timeZone: timeZone ?? "" }} failure={isFailure(result) ? result : null} zoneHint={timeZone !== null} />
    </section>
  );
}
