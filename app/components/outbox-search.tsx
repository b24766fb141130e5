import { Form } from "@remix-run/react";
import { formatDateTime } from "../i18n/index.ts";
import { adminUi } from "../i18n/ui/admin.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { Pager, type PagerInfo } from "./pager.tsx";

export interface FoundMessage {
  id: string;
  toAddress: string;
  subject: string;
  status: "PENDING" | "SENDING" | "SENT" | "FAILED";
  createdAt: string;
}

/** The outbox filtered by recipient (a GET form, so results can be bookmarked and paged without JavaScript). */
export function OutboxSearch({ to, found, zone }: { to: string; found: { messages: FoundMessage[]; pageInfo: PagerInfo } | null; zone: string }) {
  const t = useT(adminUi);
  const lang = useLang();
  return (
    <>
      <h2>{t("find_title")}</h2>
      <Form method="get" role="search">
        <label>
          {t("find_label")} <input type="search" name="to" defaultValue={to} aria-describedby="find-hint" />
        </label>{" "}
        <button type="submit">{t("find_button")}</button>
        <p id="find-hint" className="meta">
          {t("find_hint")}
        </p>
      </Form>
      {found && found.messages.length === 0 ? <p>{t("find_none")}</p> : null}
      {found?.messages.length ? (
        <table className="mail found">
          <thead>
            <tr>
              <th scope="col">{t("col_when")}</th>
              <th scope="col">{t("to")}</th>
              <th scope="col">{t("subject")}</th>
              <th scope="col">{t("col_status")}</th>
            </tr>
          </thead>
          <tbody>
            {found.messages.map((m) => (
              <tr key={m.id}>
                <td data-label={t("col_when")}>{formatDateTime(new Date(m.createdAt), lang, zone)}</td>
                <td data-label={t("to")}>{m.toAddress}</td>
                <td data-label={t("subject")}>{m.subject}</td>
                <td data-label={t("col_status")}>{t(`mail_status_${m.status}`)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {found ? <Pager info={found.pageInfo} keep={{ to }} /> : null}
    </>
  );
}
