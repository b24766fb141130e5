import { Form, Link } from "@remix-run/react";
import { Field } from "./fields.tsx";
import { Pager, type PagerInfo } from "./pager.tsx";
import { webinarsUi } from "../i18n/ui/webinars.ts";
import type { FieldErrors } from "../services/errors.ts";
import { useT } from "../utils/i18n.ts";

type Counts = { woman: number; man: number; "non-binary": number; "self-described": number; undisclosed: number };
export interface StaffView {
  balance: { panel: Counts; moderators: Counts; singleGender: string | null };
  registrations: { id: string; name: string; email: string; status: string; institution: string | null; country: string | null; access: string; attended: boolean | null }[];
  cancelled: boolean;
  counts: { confirmed: number; waitlisted: number; pending: number };
  filter: { status: string; q: string };
  pageInfo: PagerInfo;
}

const REG_STATUSES = ["UNCONFIRMED", "PENDING_APPROVAL", "CONFIRMED", "WAITLISTED", "CANCELLED", "DENIED"] as const;

const countVars = (c: Counts) => ({ woman: c.woman, man: c.man, nonBinary: c["non-binary"], selfDescribed: c["self-described"], undisclosed: c.undisclosed });

/** What the research team sees under a webinar: panel balance, registrations, attendance, follow-up, cancel. */
export function WebinarStaffPanel({ id, view, errors }: { id: string; view: StaffView; errors?: FieldErrors }) {
  const t = useT(webinarsUi);
  return (
    <>
      <h2>{t("panel_title")}</h2>
      <p>{t("panel_speakers", countVars(view.balance.panel))}</p>
      <p>{t("panel_moderators", countVars(view.balance.moderators))}</p>
      {view.balance.singleGender ? (
        <p className="alert" role="alert">
          {t("panel_warning")}
        </p>
      ) : null}
      {view.cancelled ? null : (
        <p>
          <Link to={`/webinars/${id}/edit`}>{t("edit")}</Link>
        </p>
      )}
      <h2 id="registrations">{t("registrations")}</h2>
      <p>{t("registrations_count", view.counts)}</p>
      <Form method="get" role="search" action="#registrations">
        <label htmlFor="rstatus">{t("filter")}</label>
        <select id="rstatus" name="rstatus" defaultValue={view.filter.status}>
          <option value="">{t("all_statuses")}</option>
          {REG_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`reg_${s}`)}
            </option>
          ))}
        </select>{" "}
        <label htmlFor="rq">{t("search_registrations")}</label>
        <input id="rq" name="rq" type="search" defaultValue={view.filter.q} /> <button type="submit">{t("filter")}</button>
      </Form>
      <Form method="post">
        <input type="hidden" name="intent" value="attendance" />
        {/* Attendance is saved for the rows on this page only; other pages keep what they had. */}
        {view.registrations.map((r) => (r.status === "CONFIRMED" ? <input key={r.id} type="hidden" name="shown" value={r.id} /> : null))}
        <table>
          <tbody>
            {view.registrations.map((r) => (
              <tr key={r.id}>
                <td>
                  {r.name}
                  <div className="meta">{r.email}</div>
                </td>
                <td className="meta">{[r.institution, r.country, r.access].filter(Boolean).join(" · ")}</td>
                <td>{t(`reg_${r.status}` as "reg_CONFIRMED")}</td>
                <td>
                  {r.status === "CONFIRMED" ? (
                    <label className="check">
                      <input type="checkbox" name="attended" value={r.id} defaultChecked={r.attended === true} />
                      {t("attended")}
                    </label>
                  ) : null}
                  {r.status === "PENDING_APPROVAL" ? (
                    <>
                      <button type="submit" name="decide" value={`approve:${r.id}`}>
                        {t("approve")}
                      </button>{" "}
                      <button type="submit" name="decide" value={`deny:${r.id}`} className="secondary">
                        {t("deny")}
                      </button>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <Pager info={view.pageInfo} keep={{ rstatus: view.filter.status, rq: view.filter.q }} prefix="r" hash="#registrations" />
        <label htmlFor="denial">{t("denial_message")}</label>
        <input id="denial" name="denialMessage" type="text" maxLength={2000} />
        <p>
          <button type="submit">{t("save_attendance")}</button>
        </p>
      </Form>
      <Form method="post">
        <Field name="csv" label={t("import_csv")} errors={errors}>
          {(a) => <textarea {...a} rows={4} />}
        </Field>
        <button type="submit" name="intent" value="import">
          {t("import")}
        </button>
      </Form>
      <h2>{t("followup_title")}</h2>
      <Form method="post">
        <Field name="attendedMessage" label={t("followup_attended")}>
          {(a) => <textarea {...a} rows={3} maxLength={5000} />}
        </Field>
        <Field name="noShowMessage" label={t("followup_noshow")}>
          {(a) => <textarea {...a} rows={3} maxLength={5000} />}
        </Field>
        <button type="submit" name="intent" value="followup">
          {t("send_followup")}
        </button>
      </Form>
      {view.cancelled ? null : (
        <Form method="post">
          <h2>{t("cancel_webinar")}</h2>
          <Field name="reason" label={t("cancel_reason")}>
            {(a) => <input {...a} type="text" maxLength={2000} />}
          </Field>
          <button type="submit" name="intent" value="cancel-webinar" className="danger">
            {t("cancel_webinar")}
          </button>
        </Form>
      )}
    </>
  );
}
