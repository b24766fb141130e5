import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors } from "../components/fields.tsx";
import { OutboxSearch } from "../components/outbox-search.tsx";
import { pageArgsFromUrl } from "../schemas/page.ts";
import { listOutboxMessages } from "../services/outbox-admin.server.ts";
import { formatDateTime } from "../i18n/index.ts";
import { adminUi } from "../i18n/ui/admin.ts";
import { mailOverview, retryAllFailedMail, retryFailedMail } from "../services/mail-admin.server.ts";
import { isFailure, orErrorPage, runForm } from "../utils/forms.server.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { requireSignedIn } from "../utils/request.server.ts";
import { titled } from "../utils/meta.ts";
import { readerZone } from "../utils/reader-zone.server.ts";

export const meta = titled("mail");

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireSignedIn(request);
  const { stats, failed, jobs, mailbox } = await orErrorPage(() => mailOverview(actor), request);
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  const url = new URL(request.url);
  const to = url.searchParams.get("to")?.trim() ?? "";
  const page = to ? await orErrorPage(() => listOutboxMessages(actor, { to }, pageArgsFromUrl(url, 50)), request) : null;
  return {
    zone: await readerZone(request, actor),
    to,
    found: page && { messages: page.nodes.map((m) => ({ ...m, createdAt: m.createdAt.toISOString() })), pageInfo: page.pageInfo },
    stats,
    jobs: jobs.map((j) => ({
      name: j.name,
      lastStartedAt: iso(j.lastStartedAt),
      lastSuccessAt: iso(j.lastSuccessAt),
      nextRunAt: iso(j.nextRunAt),
      attempts: j.attempts,
      running: j.running,
      failing: j.failing,
      lastError: j.lastError,
    })),
    failed: failed.map((f) => ({ ...f, createdAt: f.createdAt.toISOString() })),
    mailbox,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireSignedIn(request);
  const form = await request.formData();
  return runForm(async () => {
    if (form.get("intent") === "retry-all") return { ok: true as const, count: await retryAllFailedMail(actor) };
    await retryFailedMail(actor, String(form.get("id") ?? ""));
    return { ok: true as const, count: null };
  });
}

export default function Mail() {
  const t = useT(adminUi);
  const lang = useLang();
  const { zone, stats, jobs, failed, mailbox, to, found } = useLoaderData<typeof loader>();
  const when = (iso: string | null) => (iso ? formatDateTime(new Date(iso), lang, zone) : t("job_never"));
  const jobName = (name: string) => (`job_${name}` in adminUi.en ? t(`job_${name}` as keyof typeof adminUi.en) : name);
  const result = useActionData<typeof action>();
  return (
    <section>
      <h1>{t("mail_title")}</h1>
      <FormErrors failure={isFailure(result) ? result : null} />
      {result && !isFailure(result) ? (
        <p className="notice">{result.count === null ? t("retried") : t("retried_all", { count: result.count })}</p>
      ) : null}
      <p>{t("outbox", { pending: stats.pending, sending: stats.sending, failed: stats.failed, sent: stats.sentApproximate ? `≈ ${stats.sent}` : stats.sent })}</p>
      <p className="meta">{t("redacted_note")}</p>
      <OutboxSearch to={to} found={found} zone={zone} />
      <h2>{t("jobs_title")}</h2>
      <p className="meta">{t("jobs_note")}</p>
      {jobs.length === 0 ? <p>{t("jobs_none")}</p> : null}
      {jobs.length ? (
        <table className="mail jobs">
          <thead>
            <tr>
              <th scope="col">{t("job")}</th>
              <th scope="col">{t("job_state")}</th>
              <th scope="col">{t("job_last_run")}</th>
              <th scope="col">{t("job_last_success")}</th>
              <th scope="col">{t("job_next")}</th>
              <th scope="col">{t("error")}</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => (
              <tr key={j.name} data-job={j.name}>
                <td data-label={t("job")}>{jobName(j.name)}</td>
                <td data-label={t("job_state")}>{j.running ? t("job_running") : j.failing ? t("job_failing", { attempts: j.attempts }) : t("job_ok")}</td>
                <td data-label={t("job_last_run")}>{when(j.lastStartedAt)}</td>
                <td data-label={t("job_last_success")}>{when(j.lastSuccessAt)}</td>
                <td data-label={t("job_next")}>{when(j.nextRunAt)}</td>
                <td data-label={t("error")} className="meta">
                  {j.lastError}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {failed.length ? (
        <>
          <h2>{t("failed_title")}</h2>
          <Form method="post">
            <input type="hidden" name="intent" value="retry-all" />
            <button type="submit">{t("retry_all")}</button>
          </Form>
          <table className="mail">
            <thead>
              <tr>
                <th scope="col">{t("col_when")}</th>
                <th scope="col">{t("to")}</th>
                <th scope="col">{t("subject")}</th>
                <th scope="col">{t("error")}</th>
                <th scope="col">{t("col_action")}</th>
              </tr>
            </thead>
            <tbody>
              {failed.map((f) => (
                <tr key={f.id}>
                  <td data-label={t("col_when")}>{formatDateTime(new Date(f.createdAt), lang, zone)}</td>
                  <td data-label={t("to")}>{f.toAddress}</td>
                  <td data-label={t("subject")}>{f.subject}</td>
                  <td data-label={t("error")} className="meta">
                    {f.lastError}
                  </td>
                  <td data-label={t("col_action")}>
                    <Form method="post">
                      <input type="hidden" name="intent" value="retry" />
                      <input type="hidden" name="id" value={f.id} />
                      <button type="submit">{t("retry")}</button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      <h2>{t("mailbox_title")}</h2>
      {mailbox.length === 0 ? <p>{t("mailbox_empty")}</p> : null}
      {mailbox.length ? (
        <table className="mail">
          <thead>
            <tr>
              <th scope="col">{t("col_when")}</th>
              <th scope="col">{t("to")}</th>
              <th scope="col">{t("subject")}</th>
            </tr>
          </thead>
          <tbody>
            {mailbox.map((m) => (
              <tr key={m.file}>
                <td data-label={t("col_when")}>{m.date ? formatDateTime(new Date(m.date), lang, zone) : ""}</td>
                <td data-label={t("to")}>{m.to}</td>
                <td data-label={t("subject")}>
                  <Link to={`/admin/mail/${encodeURIComponent(m.file)}`}>{m.subject}</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
