import { translator, type Catalog, type Lang } from "../../app/i18n/index.ts";
import { requestsUi } from "../../app/i18n/ui/requests.ts";
import type { RequestStatus } from "../../app/schemas/support-request.ts";
import { renderEmail } from "../render.tsx";
import { Button, Layout } from "./layout.tsx";

const en = {
  status_subject: "Your request “{title}”: {status}",
  status_body: "The research team changed the status of your request “{title}” to: {status}.",
  reason: "Reason given:",
  message_subject: "About your request “{title}”",
  message_intro: "The research team wrote to you about your request “{title}”:",
  view_button: "See the request",
  link_fallback: "If the button does not work, copy this address into your browser:",
  footer: "GenMig Hub — partner network of the gender and migration research lab. You receive this email because your institution asked the research team for support.",
};
const messages = {
  en,
  fr: {
    status_subject: "Votre demande « {title} » : {status}",
    status_body: "L'équipe de recherche a changé le statut de votre demande « {title} » : {status}.",
    reason: "Motif indiqué :",
    message_subject: "À propos de votre demande « {title} »",
    message_intro: "L'équipe de recherche vous écrit au sujet de votre demande « {title} » :",
    view_button: "Voir la demande",
    link_fallback: "Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :",
    footer: "GenMig Hub — réseau de partenaires du laboratoire de recherche sur le genre et la migration. Vous recevez cet e-mail parce que votre institution a sollicité l'équipe de recherche.",
  },
  es: {
    status_subject: "Su solicitud «{title}»: {status}",
    status_body: "El equipo de investigación cambió el estado de su solicitud «{title}» a: {status}.",
    reason: "Motivo indicado:",
    message_subject: "Sobre su solicitud «{title}»",
    message_intro: "El equipo de investigación le escribe sobre su solicitud «{title}»:",
    view_button: "Ver la solicitud",
    link_fallback: "Si el botón no funciona, copie esta dirección en su navegador:",
    footer: "GenMig Hub — red de socios del laboratorio de investigación sobre género y migración. Recibe este correo porque su institución solicitó apoyo al equipo de investigación.",
  },
} satisfies Catalog<typeof en>;

const quote = { borderLeft: "3px solid #0b5cab", paddingLeft: "10px", whiteSpace: "pre-line" as const };

/** The new status in the requester's language, with the reason staff gave (mail never carries staff notes). */
export function requestStatusEmail(lang: Lang, a: { title: string; status: RequestStatus; reason: string | null; url: string }) {
  const t = translator(messages, lang);
  const status = translator(requestsUi, lang)(`status_${a.status}`);
  const subject = t("status_subject", { title: a.title, status });
  const body = t("status_body", { title: a.title, status });
  return renderEmail(
    subject,
    <Layout lang={lang} title={subject} footer={t("footer")}>
      <p>{body}</p>
      {a.reason ? (
        <>
          <p>{t("reason")}</p>
          <p style={quote}>{a.reason}</p>
        </>
      ) : null}
      <Button href={a.url} label={t("view_button")} fallback={t("link_fallback")} />
    </Layout>,
    [body, a.reason ? `${t("reason")}\n${a.reason}` : undefined, a.url, `-- \n${t("footer")}`],
  );
}

/** A staff member's message, as written, framed in the requester's language. */
export function requestMessageEmail(lang: Lang, a: { title: string; body: string; url: string }) {
  const t = translator(messages, lang);
  const subject = t("message_subject", { title: a.title });
  const intro = t("message_intro", { title: a.title });
  return renderEmail(
    subject,
    <Layout lang={lang} title={subject} footer={t("footer")}>
      <p>{intro}</p>
      <p style={quote}>{a.body}</p>
      <Button href={a.url} label={t("view_button")} fallback={t("link_fallback")} />
    </Layout>,
    [intro, a.body, a.url, `-- \n${t("footer")}`],
  );
}
