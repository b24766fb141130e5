import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { manageUi } from "../i18n/ui/webinar-manage.ts";
import { WebinarForm } from "../components/webinar-form.tsx";
import { fromDbLanguage } from "../i18n/index.ts";
import { webinarsUi } from "../i18n/ui/webinars.ts";
import { authorize } from "../services/policy.server.ts";
import { getWebinar, updateWebinar } from "../services/webinars.server.ts";
import { questionsOf } from "../services/webinar-manage.server.ts";
import { genderFields, webinarInputFromForm } from "../schemas/webinar-form.ts";
import { isFailure, orErrorPage, runForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.ts";
import { requireSignedIn } from "../utils/request.server.ts";
import { utcToZonedWallTime } from "../utils/time-zones.ts";
import { titled } from "../utils/meta.ts";

export const meta = titled("webinar_edit");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireSignedIn(request);
  const w = await orErrorPage(async () => {
    authorize(actor, { do: "webinar.manage" });
    return getWebinar(actor, params.id!);
  }, request);
  const values: Record<string, string> = {
    startsAt: utcToZonedWallTime(w.startsAt, w.timeZone),
    endsAt: utcToZonedWallTime(w.endsAt, w.timeZone),
    timeZone: w.timeZone,
    meetingUrl: w.meetingUrl,
    capacity: w.capacity === null ? "" : String(w.capacity),
    audience: w.audience,
  };
  for (const [k, on] of Object.entries({ requiresApproval: w.requiresApproval, askInstitution: w.askInstitution, askCountry: w.askCountry, askAccessNeeds: w.askAccessNeeds })) {
    if (on) values[k] = "on";
  }
  for (const tr of w.translations) {
    const l = fromDbLanguage(tr.language) ?? "en";
    values[`title_${l}`] = tr.title;
    values[`description_${l}`] = tr.description;
  }
  for (const q of questionsOf(w)) for (const [l, label] of Object.entries(q.labels)) values[`question_${q.id}_${l}`] = label ?? "";
  w.speakers.forEach((s, i) => {
    Object.assign(values, { [`speaker_${i}_name`]: s.name, [`speaker_${i}_affiliation`]: s.affiliation ?? "", [`speaker_${i}_role`]: s.role, ...genderFields(i, s.gender) });
  });
  return { values, id: w.id };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireSignedIn(request);
  const form = await request.formData();
  const values = Object.fromEntries([...form].map(([k, v]) => [k, String(v)]));
  return runForm(async () => {
    const saved = await updateWebinar(actor, params.id!, webinarInputFromForm(form), { refusePast: true });
    return redirect(`/webinars/${params.id}/manage?saved=updated&notified=${saved.notified}${saved.promoted ? `&promoted=${saved.promoted}` : ""}`);
  }, values);
}

export default function EditWebinar() {
  const t = useT(webinarsUi);
  const { values, id } = useLoaderData<typeof loader>();
  const tm = useT(manageUi);
  const result = useActionData<typeof action>();
  return (
    <section>
      <p>
        <Link to={`/webinars/${id}/manage`}>← {tm("manage")}</Link>
      </p>
      <h1>{t("form_title_edit")}</h1>
      <WebinarForm values={values} failure={isFailure(result) ? result : null} />
    </section>
  );
}
