import { formatDateTime, translator, type Catalog, type Lang } from "../../app/i18n/index.ts";
import { renderEmail } from "../render.tsx";
import { webinarMessages } from "../webinar-messages.ts";
import { Layout } from "./layout.tsx";

// Placeholders filled per recipient by the worker (emails/mail-bodies.ts): one rendered body serves everyone
// who gets the same items in the same language.
export const PREFERENCE_URL = "{{preferenceUrl}}";
export const UNSUBSCRIBE_URL = "{{unsubscribeUrl}}";

const en = {
  weekly_subject: "GenMig Hub weekly: {n, plural, one {# new item} other {# new items}}",
  monthly_subject: "GenMig Hub monthly: {n, plural, one {# new item} other {# new items}}",
  weekly_intro: "What is new on GenMig Hub since your last digest.",
  monthly_intro: "What is new on GenMig Hub since your last monthly digest.",
  publications: "New publications",
  webinars: "Upcoming webinars",
  read: "Read",
  in_english: "(in English)",
  distribution_subject: "New from GenMig Hub: {title}",
  distribution_intro: "The research team thought this publication would interest you.",
  update_subject: "Updated: {title}",
  update_intro: "A publication the research team sent you earlier has been updated.",
  preferences: "Change your language, topics or frequency",
  unsubscribe: "Unsubscribe",
  footer: "You receive this because you subscribed to GenMig Hub updates or are a GenMig partner.",
  BRIEF: "Policy brief",
  CASE_STUDY: "Case study",
  RESEARCH_OUTPUT: "Research output",
};
const messages = {
  en,
  fr: {
    weekly_subject: "GenMig Hub, la semaine : {n, plural, one {# nouveauté} other {# nouveautés}}",
    monthly_subject: "GenMig Hub, le mois : {n, plural, one {# nouveauté} other {# nouveautés}}",
    weekly_intro: "Les nouveautés de GenMig Hub depuis votre dernière lettre.",
    monthly_intro: "Les nouveautés de GenMig Hub depuis votre dernière lettre mensuelle.",
    publications: "Nouvelles publications",
    webinars: "Webinaires à venir",
    read: "Lire",
    in_english: "(en anglais)",
    distribution_subject: "Nouveau sur GenMig Hub : {title}",
    distribution_intro: "L'équipe de recherche a pensé que cette publication vous intéresserait.",
    update_subject: "Mise à jour : {title}",
    update_intro: "Une publication que l'équipe de recherche vous a envoyée a été mise à jour.",
    preferences: "Changer de langue, de thèmes ou de fréquence",
    unsubscribe: "Se désabonner",
    footer: "Vous recevez ce message parce que vous êtes abonné·e aux nouvelles de GenMig Hub ou partenaire de GenMig.",
    BRIEF: "Note d'orientation",
    CASE_STUDY: "Étude de cas",
    RESEARCH_OUTPUT: "Résultat de recherche",
  },
  es: {
    weekly_subject: "GenMig Hub, la semana: {n, plural, one {# novedad} other {# novedades}}",
    monthly_subject: "GenMig Hub, el mes: {n, plural, one {# novedad} other {# novedades}}",
    weekly_intro: "Las novedades de GenMig Hub desde su último resumen.",
    monthly_intro: "Las novedades de GenMig Hub desde su último resumen mensual.",
    publications: "Nuevas publicaciones",
    webinars: "Próximos seminarios web",
    read: "Leer",
    in_english: "(en inglés)",
    distribution_subject: "Novedad en GenMig Hub: {title}",
    distribution_intro: "El equipo de investigación pensó que esta publicación le interesaría.",
    update_subject: "Actualizado: {title}",
    update_intro: "Una publicación que el equipo de investigación le envió se ha actualizado.",
    preferences: "Cambiar idioma, temas o frecuencia",
    unsubscribe: "Darse de baja",
    footer: "Recibe este mensaje porque se suscribió a las novedades de GenMig Hub o es socio de GenMig.",
    BRIEF: "Nota de política",
    CASE_STUDY: "Estudio de caso",
    RESEARCH_OUTPUT: "Resultado de investigación",
  },
} satisfies Catalog<typeof en>;

export interface DigestPublication {
  url: string;
  type: "BRIEF" | "CASE_STUDY" | "RESEARCH_OUTPUT";
  title: string;
  summary: string;
  /** Not in the reader's language: shown in English (or the first version there is). */
  fallback: boolean;
}

export interface DigestWebinar {
  url: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  /** The event's own zone (IANA name). */
  timeZone: string;
}

/**
 * One body serves every reader of a language, so times are in the event's zone, named, as webinar mails name it
 * (with the same formatter: date, time and the zone's offset in the reader's language).
 */
const when = (lang: Lang, w: DigestWebinar) =>
  translator(webinarMessages, lang)("event_time", {
    time: `${formatDateTime(w.startsAt, lang, w.timeZone)} – ${formatDateTime(w.endsAt, lang, w.timeZone)}`,
    zone: w.timeZone,
  });

function Footer({ lang }: { lang: Lang }) {
  const t = translator(messages, lang);
  return (
    <>
      <a href={PREFERENCE_URL}>{t("preferences")}</a> · <a href={UNSUBSCRIBE_URL}>{t("unsubscribe")}</a>
    </>
  );
}

const footerLines = (lang: Lang) => {
  const t = translator(messages, lang);
  return [`-- \n${t("footer")}`, `${t("preferences")}: ${PREFERENCE_URL}`, `${t("unsubscribe")}: ${UNSUBSCRIBE_URL}`];
};

export function digestEmail(lang: Lang, frequency: "WEEKLY" | "MONTHLY", publications: DigestPublication[], webinars: DigestWebinar[]) {
  const t = translator(messages, lang);
  const n = publications.length + webinars.length;
  const subject = t(frequency === "WEEKLY" ? "weekly_subject" : "monthly_subject", { n });
  const intro = t(frequency === "WEEKLY" ? "weekly_intro" : "monthly_intro");
  const pubLines = publications.map((p) => `* ${p.title}${p.fallback ? ` ${t("in_english")}` : ""} — ${t(p.type)}\n  ${p.summary}\n  ${t("read")}: ${p.url}`);
  const webLines = webinars.map((w) => `* ${w.title} — ${when(lang, w)}\n  ${w.url}`);
  return renderEmail(
    subject,
    <Layout lang={lang} title={subject} footer={t("footer")}>
      <p>{intro}</p>
      {publications.length ? (
        <>
          <h2 style={{ fontSize: "16px" }}>{t("publications")}</h2>
          {publications.map((p) => (
            <div key={p.url} style={{ margin: "0 0 16px" }}>
              <p style={{ margin: 0, fontSize: "12px", color: "#5a6472" }}>{t(p.type)}</p>
              <p style={{ margin: 0, fontWeight: 700 }}>
                <a href={p.url}>{p.title}</a> {p.fallback ? <span style={{ fontWeight: 400 }}>{t("in_english")}</span> : null}
              </p>
              {p.summary ? <p style={{ margin: "4px 0 0" }}>{p.summary}</p> : null}
            </div>
          ))}
        </>
      ) : null}
      {webinars.length ? (
        <>
          <h2 style={{ fontSize: "16px" }}>{t("webinars")}</h2>
          {webinars.map((w) => (
            <p key={w.url}>
              <a href={w.url}>{w.title}</a>
              <br />
              {when(lang, w)}
            </p>
          ))}
        </>
      ) : null}
      <p style={{ fontSize: "12px" }}>
        <Footer lang={lang} />
      </p>
    </Layout>,
    [
      intro,
      publications.length > 0 && `${t("publications")}\n\n${pubLines.join("\n\n")}`,
      webinars.length > 0 && `${t("webinars")}\n\n${webLines.join("\n\n")}`,
      ...footerLines(lang),
    ],
  );
}

/** A publication sent to a segment; `update` for the notice that one sent earlier has changed. */
export function distributionEmail(lang: Lang, p: DigestPublication, opts: { update?: boolean } = {}) {
  const t = translator(messages, lang);
  const subject = t(opts.update ? "update_subject" : "distribution_subject", { title: p.title });
  const intro = t(opts.update ? "update_intro" : "distribution_intro");
  return renderEmail(
    subject,
    <Layout lang={lang} title={subject} footer={t("footer")}>
      <p>{intro}</p>
      <p style={{ margin: 0, fontSize: "12px", color: "#5a6472" }}>{t(p.type)}</p>
      <p style={{ margin: 0, fontWeight: 700, fontSize: "18px" }}>
        <a href={p.url}>{p.title}</a> {p.fallback ? <span style={{ fontWeight: 400 }}>{t("in_english")}</span> : null}
      </p>
      {p.summary ? <p>{p.summary}</p> : null}
      <p>
        <a href={p.url}>{t("read")}</a>
      </p>
      <p style={{ fontSize: "12px" }}>
        <Footer lang={lang} />
      </p>
    </Layout>,
    [intro, `${p.title}${p.fallback ? ` ${t("in_english")}` : ""} — ${t(p.type)}`, p.summary, `${t("read")}: ${p.url}`, ...footerLines(lang)],
  );
}
