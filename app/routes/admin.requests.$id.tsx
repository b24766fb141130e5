import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors } from "../components/fields.tsx";
import { RequestDetails } from "../components/request-details.tsx";
import { formatDateTime, LANGUAGE_NAMES } from "../i18n/index.ts";
import { requestsUi } from "../i18n/ui/requests.ts";
import { TRANSITIONS } from "../schemas/support-request.ts";
import { can } from "../services/policy.server.ts";
import { requestPageView } from "../services/requests/page-view.ts";
import { conversationOf, getSupportRequest, listAssignableStaff, updateSupportRequest } from "../services/requests/requests.server.ts";
import { isFailure, orErrorPage, runForm } from "../utils/forms.server.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { langOf, pageTitle } from "../utils/meta.ts";
import { requireSignedIn } from "../utils/request.server.ts";
import { readerZone } from "../utils/reader-zone.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  { title: pageTitle(langOf(matches), { text: data?.request.label ?? "" }) },
  { name: "robots", content: "noindex" },
];
export const headers: HeadersFunction = () => ({ "cache-control": "private, no-store" });

/** Staff only: for anyone else this page and its form answer 404, like a request that does not exist. */
async function staffContext(request: Request) {
  const ctx = await requireSignedIn(request);
  if (!can(ctx.actor, { do: "supportRequest.manage" })) throw new Response(null, { status: 404 });
  return ctx;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, lang } = await staffContext(request);
  const r = await orErrorPage(() => getSupportRequest(actor, params.id!), request);
  return {
    zone: await readerZone(request, actor),
    request: requestPageView(r, await conversationOf(actor, r), lang, { staff: true }),
    next: TRANSITIONS[r.status],
    staff: await listAssignableStaff(actor),
    schedulable: r.type === "EVENT_SUPPORT" && r.status === "ACCEPTED" && !r.webinarId,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await staffContext(request);
  const form = Object.fromEntries(await request.formData()) as Record<string, string>;
  return runForm(async () => {
    await updateSupportRequest(actor, params.id!, {
      status: form.status || undefined,
      reason: form.reason,
      // Only a changed choice counts as a change, so saving a note alone keeps the assignee.
      assigneeId: (form.assigneeId ?? "") === (form.currentAssignee ?? "") ? undefined : form.assigneeId || null,
      note: form.note,
      message: form.message,
    });
    return { ok: true as const };
  }, form);
}

export default function StaffRequestPage() {
  const t = useT(requestsUi);
  const lang = useLang();
  const { request: r, next, staff, schedulable, zone } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = isFailure(result) ? result : null;
  const errors = failure?.fieldErrors;
  const v = (failure?.values ?? {}) as Record<string, string>;
  return (
    <section>
      <p>
        <Link to="/admin/requests">{t("back_queue")}</Link>
      </p>
      <h1>{r.label}</h1>
      {result && !failure ? (
        <p className="notice" role="status">
          {t("saved")}
        </p>
      ) : null}
      <p className="meta">
        {t("contact")} {r.requester ?? "—"} {r.requesterEmail ? <a href={`mailto:${r.requesterEmail}`}>{r.requesterEmail}</a> : null} · {t("language")} {LANGUAGE_NAMES[r.language]}
      </p>
      <RequestDetails r={r} />
      {schedulable ? (
        <p>
          <Link className="button" to={`/webinars/new?request=${r.id}`}>
            {t("schedule_webinar")}
          </Link>
          <br />
          <span className="hint">{t("schedule_hint")}</span>
        </p>
      ) : null}
      <h2>
        {t("notes")} <span className="badge">{t("staff_only")}</span>
      </h2>
      {r.notes?.length ? (
        <ol className="plain messages" data-notes>
          {r.notes.map((n) => (
            <li key={n.id}>
              <p className="meta">
                {n.author ?? "—"} · {formatDateTime(new Date(n.at), lang, zone)}
              </p>
              <p className="prewrap">{n.body}</p>
            </li>
          ))}
        </ol>
      ) : (
        <p>{t("no_notes")}</p>
      )}
      <h2 id="work">{t("work_title")}</h2>
      <FormErrors failure={failure} />
      <Form method="post">
        <input type="hidden" name="currentAssignee" value={r.assigneeId ?? ""} />
        <div className="grid2">
          <Field name="status" label={t("new_status")} errors={errors}>
            {(a) => (
              <select {...a} defaultValue={v.status ?? ""}>
                <option value="">{t("keep_status", { status: t(`status_${r.status}`) })}</option>
                {next.map((s) => (
                  <option key={s} value={s}>
                    {t(`status_${s}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field name="assigneeId" label={t("assignee")} errors={errors}>
            {(a) => (
              <select {...a} defaultValue={v.assigneeId ?? r.assigneeId ?? ""}>
                <option value="">{t("nobody")}</option>
                {staff.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <Field name="reason" label={t("reason_label")} errors={errors}>
          {(a) => <textarea {...a} rows={2} maxLength={2000} defaultValue={v.reason} />}
        </Field>
        <Field name="message" label={t("message_label", { language: LANGUAGE_NAMES[r.language] })} errors={errors}>
          {(a) => <textarea {...a} rows={3} maxLength={5000} defaultValue={v.message} />}
        </Field>
        <Field name="note" label={t("note_label")} errors={errors}>
          {(a) => <textarea {...a} rows={2} maxLength={5000} defaultValue={v.note} />}
        </Field>
        <p>
          <button type="submit">{t("save")}</button>
        </p>
      </Form>
    </section>
  );
}
