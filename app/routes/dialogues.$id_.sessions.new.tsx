import { redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ChathamHouseBanner } from "../components/dialogue-banner.tsx";
import { Field, FormErrors } from "../components/fields.tsx";
import { TimeZoneOptions } from "../components/time-zone-options.tsx";
import { dialogueSessionsUi } from "../i18n/ui/dialogue-sessions.ts";
import { pickText, readableDialogue } from "../services/dialogues/access.server.ts";
import { scheduleDialogueSession } from "../services/dialogues/sessions.server.ts";
import { authorize } from "../services/policy.server.ts";
import { isFailure, orErrorPage, runForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.ts";
import { requireSignedIn } from "../utils/request.server.ts";
import { isTimeZone, zonedWallTimeToUtc } from "../utils/time-zones.ts";
import { viewerTimeZone } from "../utils/viewer-time-zone.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.dialogue.title ?? "Dialogue"} · GenMig Hub` }, { name: "robots", content: "noindex" }];
export const headers: HeadersFunction = () => ({ "cache-control": "private, no-store" });

// Outsiders get the dialogue's 404; members, who know the dialogue, are told they may not schedule (403).
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, lang } = await requireSignedIn(request);
  const d = await orErrorPage(async () => {
    const dialogue = await readableDialogue(actor, params.id!);
    authorize(actor, { do: "dialogue.manageSessions", dialogue });
    return dialogue;
  }, request);
  return { dialogue: { id: d.id, title: pickText(d, lang).title, chathamHouse: d.chathamHouse }, timeZone: viewerTimeZone(request).timeZone ?? "" };
}

/** Wall-clock times typed in the chosen zone become instants; an unknown zone is reported by the schema. */
function sessionInputFromForm(form: Record<string, string>) {
  const zone = isTimeZone(form.timeZone ?? "") ? form.timeZone : "UTC";
  const at = (v: string | undefined) => (v ? (zonedWallTimeToUtc(v, zone) ?? new Date(NaN)) : undefined);
  return { title: form.title, agenda: form.agenda ?? "", startsAt: at(form.startsAt), endsAt: at(form.endsAt), timeZone: form.timeZone ?? "", location: form.location, meetingUrl: form.meetingUrl };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireSignedIn(request);
  const form = Object.fromEntries([...(await request.formData())].map(([k, v]) => [k, String(v)]));
  return runForm(async () => {
    const session = await scheduleDialogueSession(actor, params.id!, sessionInputFromForm(form), { refusePast: true });
    return redirect(`/dialogues/${params.id}/sessions/${session.id}?scheduled=1`);
  }, form);
}

export default function ScheduleSession() {
  const t = useT(dialogueSessionsUi);
  const { dialogue: d, timeZone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = isFailure(result) ? result : null;
  const v = (failure?.values ?? { timeZone }) as Record<string, string>;
  const errors = failure?.fieldErrors;
  return (
    <section>
      <p>
        <Link to={`/dialogues/${d.id}`}>{d.title}</Link>
      </p>
      <h1>{t("schedule")}</h1>
      <ChathamHouseBanner on={d.chathamHouse} />
      <Form method="post">
        <FormErrors failure={failure} />
        <Field name="title" label={t("session_title")} errors={errors}>
          {(a) => <input {...a} type="text" defaultValue={v.title} required maxLength={200} />}
        </Field>
        <Field name="agenda" label={t("agenda")} errors={errors} hint={t("agenda_hint")}>
          {(a) => <textarea {...a} rows={6} maxLength={20000} defaultValue={v.agenda} />}
        </Field>
        <div className="grid2">
          <Field name="startsAt" label={t("starts")} errors={errors}>
            {(a) => <input {...a} type="datetime-local" required defaultValue={v.startsAt} />}
          </Field>
          <Field name="endsAt" label={t("ends")} errors={errors}>
            {(a) => <input {...a} type="datetime-local" required defaultValue={v.endsAt} />}
          </Field>
        </div>
        <Field name="timeZone" label={t("time_zone")} errors={errors}>
          {(a) => (
            <select {...a} required defaultValue={v.timeZone ?? ""}>
              <option value="">{t("zone_choose")}</option>
              <TimeZoneOptions current={v.timeZone || undefined} />
            </select>
          )}
        </Field>
        <Field name="location" label={t("location")} errors={errors}>
          {(a) => <input {...a} type="text" defaultValue={v.location} maxLength={300} />}
        </Field>
        <Field name="meetingUrl" label={t("meeting_url")} errors={errors}>
          {(a) => <input {...a} type="url" defaultValue={v.meetingUrl} maxLength={500} />}
        </Field>
        <button type="submit">{t("schedule_button")}</button>
      </Form>
    </section>
  );
}
