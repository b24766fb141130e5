import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors } from "../components/fields.tsx";
import { TrackingSwitch } from "../components/tracking-switch.tsx";
import { formatDateTime } from "../i18n/index.ts";
import { sendsUi } from "../i18n/ui/sends.ts";
import { can } from "../services/policy.server.ts";
import { listSends } from "../services/sends/sends.server.ts";
import { mailTrackingSetting, setMailTracking, trackingChangePreview } from "../services/sends/tracking.server.ts";
import { env } from "../utils/env.server.ts";
import { isFailure, orErrorPage, runForm } from "../utils/forms.server.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { titled } from "../utils/meta.ts";
import { requireSignedIn } from "../utils/request.server.ts";

export const meta = titled("sends");

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireSignedIn(request);
  const [sends, tracking] = await orErrorPage(() => Promise.all([listSends(actor), mailTrackingSetting(actor)]), request);
  const canChangeTracking = can(actor, { do: "send.tracking" });
  const asked = new URL(request.url).searchParams.get("confirm") === "tracking";
  const preview = asked && !tracking && canChangeTracking ? await trackingChangePreview(actor) : null;
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return {
    tracking,
    canChangeTracking,
    preview,
    rate: env().MAIL_RATE_PER_SECOND,
    cap: env().MAIL_DAILY_CAP,
    sends: sends.map((s) => ({ ...s, startedAt: iso(s.startedAt)!, finishedAt: iso(s.finishedAt), estimatedFinish: iso(s.estimatedFinish) })),
  };
}

/** Administrators turn aggregate open/click counting on or off (audited); anyone else is refused. */
export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireSignedIn(request);
  const form = Object.fromEntries(await request.formData()) as Record<string, string>;
  // Counting goes on only from the warning's own button (see TrackingSwitch); anything else shows the warning.
  if (form.tracking === "on" && form.confirmed !== "yes" && can(actor, { do: "send.tracking" })) throw redirect("/admin/sends?confirm=tracking#tracking");
  return runForm(async () => {
    const { enabled } = await setMailTracking(actor, form.tracking === "on");
    return { ok: true as const, notice: enabled ? ("tracking_enabled_notice" as const) : ("tracking_disabled_notice" as const) };
  }, form);
}

export default function Sends() {
  const t = useT(sendsUi);
  const lang = useLang();
  const { sends, rate, cap, tracking, canChangeTracking, preview } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const anyTracked = sends.some((s) => s.opens !== null);
  const when = (iso: string | null) => (iso ? formatDateTime(new Date(iso), lang) : t("unknown"));
  return (
    <section>
      <h1>{t("title")}</h1>
      <p>{t("intro")}</p>
      <p className="meta">
        {t("settings", { rate: rate > 0 ? t("per_second", { n: rate }) : t("unlimited"), cap: cap > 0 ? t("cap", { n: cap }) : t("no_cap") })}{" "}
        <a href="/admin/sends">{t("refresh")}</a>
      </p>
      <FormErrors failure={isFailure(result) ? result : null} />
      {result && !isFailure(result) ? (
        <p className="notice" role="status">
          {t(result.notice)}
        </p>
      ) : null}
      <TrackingSwitch enabled={tracking} canChange={canChangeTracking} preview={preview} />
      {sends.length === 0 ? (
        <p>{t("none")}</p>
      ) : (
        <table className="sends">
          <thead>
            <tr>
              <th scope="col">{t("kind")}</th>
              <th scope="col">{t("status")}</th>
              <th scope="col">{t("progress")}</th>
              <th scope="col">{t("rate")}</th>
              <th scope="col">{t("finish")}</th>
              <th scope="col">{t("counts")}</th>
              {anyTracked ? <th scope="col">{t("opens_clicks")}</th> : null}
              <th scope="col">{t("started")}</th>
            </tr>
          </thead>
          <tbody>
            {sends.map((s) => (
              <tr key={s.id} data-send={s.id}>
                <td data-label={t("kind")}>{t(s.kind)}</td>
                <td data-label={t("status")}>{t(s.status)}</td>
                <td data-label={t("progress")}>
                  <progress max={Math.max(1, s.enqueued)} value={s.sent + s.failed} />{" "}
                  {t("of", { done: s.sent + s.failed, total: s.enqueued })}
                  <div className="meta">{t("considered", { n: s.total })}</div>
                </td>
                <td data-label={t("rate")}>{s.status === "SENDING" ? t("per_s", { n: s.ratePerSecond.toFixed(1) }) : "—"}</td>
                <td data-label={t("finish")}>{s.status === "DONE" ? when(s.finishedAt) : when(s.estimatedFinish)}</td>
                <td data-label={t("counts")}>
                  {s.sent} · {s.failed} · {s.bounced} · {s.delivered}
                </td>
                {anyTracked ? (
                  <td data-label={t("opens_clicks")} data-opens={s.opens ?? undefined} data-clicks={s.clicks ?? undefined}>
                    {s.opens === null ? t("not_tracked") : `${s.opens} · ${s.clicks}`}
                  </td>
                ) : null}
                <td data-label={t("started")}>{when(s.startedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {anyTracked ? <p className="hint">{t("totals_note")}</p> : null}
    </section>
  );
}
