import { Link } from "@remix-run/react";
import { formatDateTime } from "../i18n/index.ts";
import { requestsUi } from "../i18n/ui/requests.ts";
import { useLang, useT } from "../utils/i18n.ts";

export interface AccountRequestRow {
  id: string;
  label: string;
  type: "EVENT_SUPPORT" | "FIELD_CONNECTION";
  status: "NEW" | "IN_REVIEW" | "ACCEPTED" | "DECLINED" | "DONE";
  institution: string;
  createdAt: string;
}

/** The account page's list of the person's institutions' requests, with the ways to ask for more. */
export function AccountRequests({ rows, canAsk }: { rows: AccountRequestRow[]; canAsk: boolean }) {
  const t = useT(requestsUi);
  const lang = useLang();
  return (
    <>
      <h2 id="requests">{t("my_requests")}</h2>
      {rows.length ? (
        <table className="my-requests">
          <thead>
            <tr>
              <th scope="col">{t("col_request")}</th>
              <th scope="col">{t("col_type")}</th>
              <th scope="col">{t("col_status")}</th>
              <th scope="col">{t("col_received")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td data-label={t("col_request")}>
                  <Link to={`/requests/${r.id}`}>{r.label}</Link>
                  <div className="meta">{r.institution}</div>
                </td>
                <td data-label={t("col_type")}>{t(`type_${r.type}`)}</td>
                <td data-label={t("col_status")}>
                  <span className="badge">{t(`status_${r.status}`)}</span>
                </td>
                <td data-label={t("col_received")}>{formatDateTime(new Date(r.createdAt), lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{t("my_none")}</p>
      )}
      {canAsk ? (
        <p>
          <Link to="/requests/new?type=event">{t("new_event_title")}</Link> · <Link to="/requests/new?type=field">{t("new_field_title")}</Link>
        </p>
      ) : null}
    </>
  );
}
