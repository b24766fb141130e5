import { Link } from "@remix-run/react";
import { formatDateTime } from "../i18n/index.ts";
import { dialogueSessionsUi } from "../i18n/ui/dialogue-sessions.ts";
import { useLang, useT } from "../utils/i18n.ts";

export interface SessionRow {
  id: string;
  title: string;
  startsAt: string;
  timeZone: string;
  status: "SCHEDULED" | "CANCELLED";
  hasOutcome: boolean;
}

/** The dialogue page's list of sessions; a table that stacks on narrow screens. */
export function DialogueSessionsList({ dialogueId, sessions, canSchedule }: { dialogueId: string; sessions: SessionRow[]; canSchedule: boolean }) {
  const t = useT(dialogueSessionsUi);
  const lang = useLang();
  return (
    <>
      <h2>{t("sessions")}</h2>
      {sessions.length ? (
        <table data-sessions>
          <thead>
            <tr>
              <th>{t("session_title")}</th>
              <th>{t("when")}</th>
              <th>{t("status")}</th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id}>
                <td data-label={t("session_title")}>
                  <Link to={`/dialogues/${dialogueId}/sessions/${s.id}`}>{s.title}</Link>
                </td>
                <td data-label={t("when")}>{formatDateTime(new Date(s.startsAt), lang, s.timeZone)}</td>
                <td data-label={t("status")}>
                  {t(`status_${s.status}`)}
                  {s.hasOutcome ? ` · ${t("outcome")}` : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{t(canSchedule ? "no_sessions_manage" : "no_sessions")}</p>
      )}
      {canSchedule ? (
        <p>
          <Link to={`/dialogues/${dialogueId}/sessions/new`}>{t("schedule")}</Link>
        </p>
      ) : null}
    </>
  );
}
