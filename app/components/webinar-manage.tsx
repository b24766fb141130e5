import type { ReactNode } from "react";
import { Form, Link } from "@remix-run/react";
import { Field } from "./fields.tsx";
import { Pager, type PagerInfo } from "./pager.tsx";
import { LANGUAGES, type Lang } from "../i18n/index.ts";
import { InLanguage } from "./in-language.tsx";
import { manageUi, plural } from "../i18n/ui/webinar-manage.ts";
import { webinarsUi } from "../i18n/ui/webinars.ts";
import { REGISTRATION_STATUSES } from "../schemas/webinar.ts";
import type { FieldErrors } from "../services/errors.ts";
import { useLang, useT } from "../utils/i18n.ts";

type Counts = { woman: number; man: number; "non-binary": number; "self-described": number; undisclosed: number };
export interface ManageView {
  id: string;
  cancelled: boolean;
  started: boolean;
  capacity: number | null;
  counts: { confirmed: number; waitlisted: number; pending: number; attended: number };
  balance: { panel: Counts; moderators: Counts; singleGender: string | null };
  questions: { id: string; label: string; language: Lang }[];
  filter: { status: string; q: string };
  pageInfo: PagerInfo;
  registrations: { id: string; name: string; email: string; status: string; details: string; attended: boolean | null; answers: Record<string, string> }[];
}

const ACTIVE = ["UNCONFIRMED", "PENDING_APPROVAL", "CONFIRMED", "WAITLISTED"];
const countVars = (c: Counts) => ({ woman: c.woman, man: c.man, nonBinary: c["non-binary"], selfDescribed: c["self-described"], undisclosed: c.undisclosed });

function CountsPanel({ view }: { view: ManageView }) {
  const t = useT(manageUi);
  const lang = useLang();
  const c = view.counts;
  return (
    <>
      <h2>{t("counts_title")}</h2>
      <p>{view.capacity === null ? t("capacity_none", { confirmed: c.confirmed }) : t(plural("capacity_of", c.confirmed, lang), { count: c.confirmed, capacity: view.capacity })}</p>
      {view.capacity !== null ? <progress max={view.capacity} value={Math.min(c.confirmed, view.capacity)} /> : null}
      <dl className="counts">
        {(
          [
            ["count_confirmed", c.confirmed, "CONFIRMED"],
            ["count_waiting", c.waitlisted, "WAITLISTED"],
            ["count_pending", c.pending, "PENDING_APPROVAL"],
            ["count_attended", c.attended, "CONFIRMED"],
          ] as const
        ).map(([label, n, status]) => (
          <div key={label}>
            <dt>{t(label)}</dt>
            <dd>
              <a href={`?rstatus=${status}#registrations`}>{n}</a>
            </dd>
          </div>
        ))}
      </dl>
    </>
  );
}

function RegistrationsTable({ view, errors }: { view: ManageView; errors?: FieldErrors }) {
  const t = useT(manageUi);
  const tw = useT(webinarsUi);
  const keep = { rstatus: view.filter.status, rq: view.filter.q };
  const csv = `/webinars/${view.id}/registrations.csv?${new URLSearchParams(Object.entries(keep).filter(([, v]) => v))}`;
  return (
    <>
      <h2 id="registrations">{t("registrations")}</h2>
      <Form method="get" role="search" action="#registrations" className="filters">
        <label htmlFor="rstatus">{t("filter_status")}</label>
        <select id="rstatus" name="rstatus" defaultValue={view.filter.status}>
          <option value="">{t("all_statuses")}</option>
          {REGISTRATION_STATUSES.map((s) => (
            <option key={s} value={s}>
              {tw(`reg_${s}`)}
            </option>
          ))}
        </select>{" "}
        <label htmlFor="rq">{t("search")}</label>
        <input id="rq" name="rq" type="search" defaultValue={view.filter.q} /> <button type="submit">{t("filter")}</button>{" "}
        <a href={csv} download>
          {t("export_csv")}
        </a>
      </Form>
      {view.registrations.length === 0 ? <p>{t("none")}</p> : null}
      <Form method="post">
        <input type="hidden" name="intent" value="attendance" />
        {/* Attendance is saved for the rows on this page only; other pages keep what they had. */}
        {view.started ? view.registrations.map((r) => (r.status === "CONFIRMED" ? <input key={r.id} type="hidden" name="shown" value={r.id} /> : null)) : null}
        {view.registrations.length ? (
          <table className="registrations">
            <thead>
              <tr>
                <th scope="col">{t("col_person")}</th>
                <th scope="col">{t("col_details")}</th>
                <th scope="col">{t("col_status")}</th>
                {view.questions.length ? <th scope="col">{t("col_answers")}</th> : null}
                <th scope="col">{t("col_actions")}</th>
              </tr>
            </thead>
            <tbody>
              {view.registrations.map((r) => (
                <tr key={r.id}>
                  <td data-label={t("col_person")}>
                    {r.name}
                    <div className="meta">{r.email}</div>
                  </td>
                  <td data-label={r.details ? t("col_details") : undefined} className="meta">
                    {r.details}
                  </td>
                  <td data-label={t("col_status")}>{tw(`reg_${r.status}` as "reg_CONFIRMED")}</td>
                  {view.questions.length ? (
                    <td data-label={t("col_answers")}>
                      {view.questions.map((q) =>
                        r.answers[q.id] ? (
                          <div key={q.id}>
                            <InLanguage lang={q.language} className="meta">
                              {q.label}
                            </InLanguage>{" "}
                            {r.answers[q.id]}
                          </div>
                        ) : null,
                      )}
                    </td>
                  ) : null}
                  <td data-label={(r.status === "CONFIRMED" && view.started) || r.status === "PENDING_APPROVAL" || (ACTIVE.includes(r.status) && !view.cancelled) ? t("col_actions") : undefined} className="actions">
                    {r.status === "CONFIRMED" && view.started ? (
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
                        </button>{" "}
                      </>
                    ) : null}
                    {ACTIVE.includes(r.status) && !view.cancelled ? <Link to={`?cancel=${r.id}`}>{t("cancel_registration")}</Link> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <Pager info={view.pageInfo} keep={keep} prefix="r" hash="#registrations" />
        {view.counts.pending ? (
          <Field name="denialMessage" label={t("denial_message")} errors={errors}>
            {(a) => <input {...a} type="text" maxLength={2000} />}
          </Field>
        ) : null}
        {view.started ? (
          <p>
            <button type="submit">{t("save_attendance")}</button>
          </p>
        ) : view.cancelled ? null : (
          <p className="hint">{t("attendance_after_start")}</p>
        )}
      </Form>
      {view.started ? (
        <Form method="post">
          <Field name="csv" label={t("import_csv")} errors={errors}>
            {(a) => <textarea {...a} rows={3} />}
          </Field>
          <button type="submit" name="intent" value="import">
            {t("import")}
          </button>
        </Form>
      ) : null}
    </>
  );
}

function MessagePanel({ errors }: { errors?: FieldErrors }) {
  const t = useT(manageUi);
  return (
    <Form method="post">
      <fieldset>
        <legend>{t("message_title")}</legend>
        <p className="hint">{t("message_hint")}</p>
        <p role="group" aria-label={t("message_to")}>
          {t("message_to")}{" "}
          {(["CONFIRMED", "WAITLISTED"] as const).map((g) => (
            <label key={g} className="check">
              <input type="checkbox" name="groups" value={g} defaultChecked={g === "CONFIRMED"} /> {t(`group_${g}`)}
            </label>
          ))}
        </p>
        {LANGUAGES.map((l) => (
          <Field key={l} name={`message_${l}`} label={t("message_in", { language: t(`lang_${l}`) })} errors={errors}>
            {(a) => <textarea {...a} rows={3} maxLength={5000} lang={l} />}
          </Field>
        ))}
        <button type="submit" name="intent" value="message">
          {t("send_message")}
        </button>
      </fieldset>
    </Form>
  );
}

function FollowUpPanel({ errors }: { errors?: FieldErrors }) {
  const t = useT(manageUi);
  return (
    <Form method="post">
      <fieldset>
        <legend>{t("followup_title")}</legend>
        <p className="hint">{t("followup_hint")}</p>
        <Field name="attendedMessage" label={t("followup_attended")} errors={errors}>
          {(a) => <textarea {...a} rows={3} maxLength={5000} />}
        </Field>
        <Field name="noShowMessage" label={t("followup_noshow")} errors={errors}>
          {(a) => <textarea {...a} rows={3} maxLength={5000} />}
        </Field>
        <button type="submit" name="intent" value="followup">
          {t("send_followup")}
        </button>
      </fieldset>
    </Form>
  );
}

/**
 * The Manage view: seats, panel balance, registrations, ways to invite people (invited-only webinars; each
 * its own component, given by the route), messages, follow-up, and the way to cancel.
 */
export function ManagePanels({ view, errors, invite }: { view: ManageView; errors?: FieldErrors; invite?: ReactNode }) {
  const t = useT(manageUi);
  const tw = useT(webinarsUi);
  return (
    <>
      {view.cancelled ? null : (
        <p>
          <Link to={`/webinars/${view.id}/edit`}>{t("edit")}</Link>
        </p>
      )}
      <CountsPanel view={view} />
      <h2>{tw("panel_title")}</h2>
      <p>{tw("panel_speakers", countVars(view.balance.panel))}</p>
      <p>{tw("panel_moderators", countVars(view.balance.moderators))}</p>
      {view.balance.singleGender ? (
        <p className="alert" role="alert">
          {tw("panel_warning")}
        </p>
      ) : null}
      <RegistrationsTable view={view} errors={errors} />
      {invite}
      {view.cancelled ? null : <MessagePanel errors={errors} />}
      {view.started ? <FollowUpPanel errors={errors} /> : view.cancelled ? null : <p className="hint">{t("followup_after_start")}</p>}
      {view.cancelled ? null : (
        <>
          <h2>{t("danger_title")}</h2>
          <p>
            <Link to="?confirm=cancel-webinar" className="button danger">
              {t("cancel_webinar_start")}
            </Link>
          </p>
        </>
      )}
    </>
  );
}

/** Step two of cancelling a webinar: says who will be told, asks for the reason, then does it. */
export function ConfirmCancelWebinar({ id, title, confirmed, unseated, errors }: { id: string; title: string; confirmed: number; unseated: number; errors?: FieldErrors }) {
  const t = useT(manageUi);
  const lang = useLang();
  const seats =
    confirmed > 0
      ? t(plural("confirm_cancel_webinar_text", confirmed, lang), { count: confirmed })
      : t(unseated > 0 ? "confirm_cancel_webinar_text_no_seats" : "confirm_cancel_webinar_text_none");
  return (
    <Form method="post" action={`/webinars/${id}/manage`}>
      <h2>{t("confirm_cancel_webinar", { title })}</h2>
      <p>{seats}</p>
      {unseated > 0 ? <p>{t(plural("confirm_cancel_webinar_others", unseated, lang), { count: unseated })}</p> : null}
      <Field name="reason" label={t("cancel_reason")} errors={errors}>
        {(a) => <textarea {...a} rows={3} maxLength={2000} />}
      </Field>
      <input type="hidden" name="confirmed" value="yes" />
      <p>
        <button type="submit" name="intent" value="cancel-webinar" className="danger">
          {t("yes_cancel_webinar")}
        </button>{" "}
        <Link to={`/webinars/${id}/manage`}>{t("keep")}</Link>
      </p>
    </Form>
  );
}

export function ConfirmCancelRegistration({ id, reg }: { id: string; reg: { id: string; name: string; email: string } }) {
  const t = useT(manageUi);
  return (
    <Form method="post" action={`/webinars/${id}/manage`}>
      <h2>{t("confirm_cancel_registration", { name: reg.name })}</h2>
      <p>{t("confirm_cancel_registration_text", { name: reg.name, email: reg.email })}</p>
      <input type="hidden" name="registrationId" value={reg.id} />
      <input type="hidden" name="confirmed" value="yes" />
      <p>
        <button type="submit" name="intent" value="cancel-registration" className="danger">
          {t("yes_cancel_registration")}
        </button>{" "}
        <Link to={`/webinars/${id}/manage#registrations`}>{t("keep")}</Link>
      </p>
    </Form>
  );
}
