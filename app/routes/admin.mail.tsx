import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors } from "../components/fields.tsx";
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
  const { stats, failed, mailbox } = await orErrorPage(() => mailOverview(actor), request);
  return {
    zone: await readerZone(request, actor),
    stats,
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
  const { zone, stats, failed, mailbox } = useLoaderData<typeof loader>();
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
