import { formatDateTime, translator, type Catalog, type Lang } from "../../app/i18n/index.ts";
import { dialoguesUi } from "../../app/i18n/ui/dialogues.ts";
import { renderEmail } from "../render.tsx";
import { Layout } from "./layout.tsx";

const en = {
  invite_subject: "Dialogue session: {title}",
  invite_body: "A session of the closed dialogue “{dialogue}” is scheduled. The calendar invitation is attached; accept it to keep the time in your calendar.",
  cancelled_subject: "Cancelled: {title}",
  cancelled_body: "This session of the dialogue “{dialogue}” is cancelled. The attached update removes it from your calendar.",
  removed_subject: "Removed from your calendar: {title}",
  removed_body: "You are no longer a member of the dialogue “{dialogue}”. The attached update removes this session from your calendar.",
  outcome_subject: "Outcome of the session: {title}",
  outcome_body: "The facilitators of the dialogue “{dialogue}” published the outcome note of this session:",
  outcome_documents: "Documents shared with the outcome are on the session page.",
  when: "When",
  where: "Where",
  join: "Meeting link",
  agenda: "Agenda",
  page: "Session page (sign-in required)",
  footer: "GenMig Hub — gender and migration research partnerships. What is said in a closed dialogue stays in it.",
};
const messages = {
  en,
  fr: {
    invite_subject: "Séance de dialogue : {title}",
    invite_body: "Une séance du dialogue fermé « {dialogue} » est prévue. L'invitation de calendrier est jointe ; acceptez-la pour garder l'horaire dans votre agenda.",
    cancelled_subject: "Annulée : {title}",
    cancelled_body: "Cette séance du dialogue « {dialogue} » est annulée. La mise à jour jointe la retire de votre agenda.",
    removed_subject: "Retirée de votre agenda : {title}",
    removed_body: "Vous n'êtes plus membre du dialogue « {dialogue} ». La mise à jour jointe retire cette séance de votre agenda.",
    outcome_subject: "Conclusions de la séance : {title}",
    outcome_body: "Les animateur·rice·s du dialogue « {dialogue} » ont publié la note de conclusions de cette séance :",
    outcome_documents: "Les documents joints aux conclusions sont sur la page de la séance.",
    when: "Quand",
    where: "Où",
    join: "Lien de la réunion",
    agenda: "Ordre du jour",
    page: "Page de la séance (connexion requise)",
    footer: "GenMig Hub — partenariats de recherche sur le genre et la migration. Ce qui se dit dans un dialogue fermé y reste.",
  },
  es: {
    invite_subject: "Sesión de diálogo: {title}",
    invite_body: "Se programó una sesión del diálogo cerrado «{dialogue}». Adjuntamos la invitación de calendario; acéptela para conservar el horario en su calendario.",
    cancelled_subject: "Cancelada: {title}",
    cancelled_body: "Esta sesión del diálogo «{dialogue}» fue cancelada. La actualización adjunta la quita de su calendario.",
    removed_subject: "Quitada de su calendario: {title}",
    removed_body: "Ya no es miembro del diálogo «{dialogue}». La actualización adjunta quita esta sesión de su calendario.",
    outcome_subject: "Conclusiones de la sesión: {title}",
    outcome_body: "Las personas facilitadoras del diálogo «{dialogue}» publicaron la nota de conclusiones de esta sesión:",
    outcome_documents: "Los documentos adjuntos a las conclusiones están en la página de la sesión.",
    when: "Cuándo",
    where: "Dónde",
    join: "Enlace de la reunión",
    agenda: "Orden del día",
    page: "Página de la sesión (requiere iniciar sesión)",
    footer: "GenMig Hub — alianzas de investigación sobre género y migración. Lo que se dice en un diálogo cerrado queda en él.",
  },
} satisfies Catalog<typeof en>;

export type SessionMailKind = "invite" | "cancelled" | "removed" | "outcome";

export interface SessionMailContext {
  lang: Lang;
  dialogueTitle: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  location: string | null;
  meetingUrl: string | null;
  agenda: string;
  pageUrl: string;
  chathamHouse: boolean;
  /** For "outcome": the note as rendered by the safe Markdown renderer, and its source for the text part. */
  outcome?: { html: string; body: string; documents: number };
}

/** The rule and the time in the recipient's language; the session's own zone is named. */
export function sessionWhen(c: Pick<SessionMailContext, "lang" | "startsAt" | "endsAt" | "timeZone">) {
  return `${formatDateTime(c.startsAt, c.lang, c.timeZone)} – ${formatDateTime(c.endsAt, c.lang, c.timeZone)} (${c.timeZone})`;
}

/**
 * No one is named: not the facilitator who scheduled or published, not the other members. Under Chatham House the
 * rule is stated in the same words as on the dialogue's pages.
 */
export function dialogueSessionEmail(kind: SessionMailKind, c: SessionMailContext) {
  const t = translator(messages, c.lang);
  const ui = translator(dialoguesUi, c.lang);
  const subject = t(`${kind}_subject`, { title: c.title });
  const body = t(`${kind}_body`, { dialogue: c.dialogueTitle });
  const rule = c.chathamHouse ? ui("chatham_house") : undefined;
  const when = sessionWhen(c);
  const showDetails = kind === "invite";
  return renderEmail(
    subject,
    <Layout lang={c.lang} title={subject} footer={t("footer")}>
      <p style={{ fontSize: "18px", fontWeight: 700 }}>{c.title}</p>
      <p>{body}</p>
      {rule ? <p style={{ borderLeft: "3px solid #b35c00", paddingLeft: "10px" }}>{rule}</p> : null}
      {c.outcome ? (
        <>
          {/* Rendered by app/services/dialogues/markdown.ts, which escapes everything it does not build itself. */}
          <div dangerouslySetInnerHTML={{ __html: c.outcome.html }} />
          {c.outcome.documents ? <p>{t("outcome_documents")}</p> : null}
        </>
      ) : null}
      <p>
        <strong>{t("when")}</strong>
        <br />
        {when}
      </p>
      {showDetails && c.location ? (
        <p>
          <strong>{t("where")}</strong>
          <br />
          {c.location}
        </p>
      ) : null}
      {showDetails && c.meetingUrl ? (
        <p>
          <strong>{t("join")}</strong>
          <br />
          <a href={c.meetingUrl}>{c.meetingUrl}</a>
        </p>
      ) : null}
      {showDetails && c.agenda ? (
        <>
          <p>
            <strong>{t("agenda")}</strong>
          </p>
          <p style={{ whiteSpace: "pre-wrap" }}>{c.agenda}</p>
        </>
      ) : null}
      <p>
        <a href={c.pageUrl}>{t("page")}</a>
      </p>
    </Layout>,
    [
      c.title,
      body,
      rule,
      c.outcome?.body,
      c.outcome?.documents ? t("outcome_documents") : undefined,
      `${t("when")}: ${when}`,
      showDetails && c.location ? `${t("where")}: ${c.location}` : undefined,
      showDetails && c.meetingUrl ? `${t("join")}: ${c.meetingUrl}` : undefined,
      showDetails && c.agenda ? `${t("agenda")}:\n${c.agenda}` : undefined,
      `${t("page")}: ${c.pageUrl}`,
      `-- \n${t("footer")}`,
    ],
  );
}

/** The invite's DESCRIPTION: agenda, the rule under Chatham House, the meeting link and the page, nobody's name. */
export function sessionIcsDescription(c: Pick<SessionMailContext, "lang" | "agenda" | "chathamHouse" | "meetingUrl" | "pageUrl">) {
  const t = translator(messages, c.lang);
  const ui = translator(dialoguesUi, c.lang);
  return [
    c.chathamHouse ? ui("chatham_house") : undefined,
    c.agenda ? `${t("agenda")}:\n${c.agenda}` : undefined,
    c.meetingUrl ? `${t("join")}: ${c.meetingUrl}` : undefined,
    `${t("page")}: ${c.pageUrl}`,
  ]
    .filter(Boolean)
    .join("\n\n");
}
