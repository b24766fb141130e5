import { Link } from "@remix-run/react";
import { directoryUi } from "../i18n/ui/directory.ts";
import { formatDateTime, LANGUAGE_NAMES } from "../i18n/index.ts";
import { requestsUi } from "../i18n/ui/requests.ts";
import type { RequestPageView } from "../services/requests/page-view.ts";
import { useLang, useT } from "../utils/i18n.ts";

/** The request as asked, its status with the reason, history and messages: the same for the requester and staff. */
export function RequestDetails({ r }: { r: RequestPageView }) {
  const t = useT(requestsUi);
  const td = useT(directoryUi);
  const lang = useLang();
  const at = (iso: string) => formatDateTime(new Date(iso), lang);
  const row = (label: string, value: string | null) =>
    value ? (
      <>
        <dt>{label}</dt>
        <dd className="prewrap">{value}</dd>
      </>
    ) : null;
  return (
    <>
      <p className="meta">
        {t(`type_${r.type}`)} · {t("requested_by", { name: r.requester ?? "—", institution: r.institution, date: at(r.createdAt) })}
      </p>
      <p>
        <strong>{t("status")}</strong> <span className="badge">{t(`status_${r.status}`)}</span>
      </p>
      {r.statusReason ? (
        <p className="prewrap">
          <strong>{t("reason")}</strong> {r.statusReason}
        </p>
      ) : null}
      {r.webinarId ? (
        <p>
          {t("webinar_scheduled")} <Link to={`/webinars/${r.webinarId}`}>{t("see_webinar")}</Link>
        </p>
      ) : null}
      <dl className="request-fields">
        {row(t("purpose"), r.purpose)}
        {row(t("dates"), r.dates)}
        {row(t("audience"), r.audience)}
        {row(t("languages"), r.languages.length ? r.languages.map((l) => LANGUAGE_NAMES[l]).join(", ") : null)}
        {row(t("support_kinds"), r.supportKinds.length ? r.supportKinds.map((k) => t(`kind_${k}`)).join(", ") : null)}
        {row(t("country"), r.country)}
        {row(t("region"), r.region ? td(`region_${r.region}` as "region_AFRICA") : null)}
        {row(t("needs"), r.needs)}
      </dl>
      <h2>{t("messages")}</h2>
      {r.messages.length ? (
        <ol className="plain messages">
          {r.messages.map((m) => (
            <li key={m.id}>
              <p className="meta">
                {m.author ?? "—"} · {at(m.at)}
              </p>
              <p className="prewrap">{m.body}</p>
            </li>
          ))}
        </ol>
      ) : (
        <p>{t("no_messages")}</p>
      )}
      <h2>{t("history")}</h2>
      <ol className="plain">
        {r.history.map((h) => (
          <li key={h.id}>
            {at(h.at)} · {h.from ? t("history_moved", { from: t(`status_${h.from as "NEW"}`), to: t(`status_${h.to as "NEW"}`) }) : t("history_created")}
            {h.reason ? <span className="prewrap"> — {h.reason}</span> : null}
          </li>
        ))}
      </ol>
    </>
  );
}
