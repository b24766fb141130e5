import { translator, type Catalog, type Lang } from "../../app/i18n/index.ts";
import { dialoguesUi } from "../../app/i18n/ui/dialogues.ts";
import { renderEmail } from "../render.tsx";
import { Button, Layout } from "./layout.tsx";

const en = {
  invited_subject: "Invitation to a closed dialogue on GenMig Hub",
  invited_body: "{inviter} invited you to the closed dialogue “{title}” on GenMig Hub, as {role}. Accept with the button below — no password needed. The link works once, only for this address, and expires in {days} days; if you do not want to join, ignore this email.",
  invited_button: "Join the dialogue",
  link_fallback: "If the button does not work, copy this address into your browser:",
  footer: "GenMig Hub — gender and migration research partnerships. What is said in a closed dialogue stays in it.",
};
const messages = {
  en,
  fr: {
    invited_subject: "Invitation à un dialogue fermé sur GenMig Hub",
    invited_body: "{inviter} vous invite au dialogue fermé « {title} » sur GenMig Hub, en tant que {role}. Acceptez avec le bouton ci-dessous, sans mot de passe. Le lien ne fonctionne qu'une fois, pour cette adresse seulement, et expire dans {days} jours ; si vous ne souhaitez pas participer, ignorez cet e-mail.",
    invited_button: "Rejoindre le dialogue",
    link_fallback: "Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :",
    footer: "GenMig Hub — partenariats de recherche sur le genre et la migration. Ce qui se dit dans un dialogue fermé y reste.",
  },
  es: {
    invited_subject: "Invitación a un diálogo cerrado en GenMig Hub",
    invited_body: "{inviter} le invita al diálogo cerrado «{title}» en GenMig Hub, como {role}. Acepte con el botón de abajo, sin contraseña. El enlace funciona una sola vez, solo para esta dirección, y caduca en {days} días; si no desea participar, ignore este correo.",
    invited_button: "Unirse al diálogo",
    link_fallback: "Si el botón no funciona, copie esta dirección en su navegador:",
    footer: "GenMig Hub — alianzas de investigación sobre género y migración. Lo que se dice en un diálogo cerrado queda en él.",
  },
} satisfies Catalog<typeof en>;

/** The Chatham House Rule is stated in the same words as on every page of the dialogue. */
export function dialogueInvitedEmail(
  lang: Lang,
  a: { title: string; inviter: string; role: "FACILITATOR" | "MEMBER"; acceptUrl: string; days: number; chathamHouse: boolean },
) {
  const t = translator(messages, lang);
  const ui = translator(dialoguesUi, lang);
  const subject = t("invited_subject");
  const body = t("invited_body", { inviter: a.inviter, title: a.title, role: ui(a.role === "FACILITATOR" ? "facilitator" : "member").toLowerCase(), days: a.days });
  const rule = a.chathamHouse ? ui("chatham_house") : undefined;
  return renderEmail(
    subject,
    <Layout lang={lang} title={subject} footer={t("footer")}>
      <p>{body}</p>
      {rule ? <p style={{ borderLeft: "3px solid #b35c00", paddingLeft: "10px" }}>{rule}</p> : null}
      <Button href={a.acceptUrl} label={t("invited_button")} fallback={t("link_fallback")} />
    </Layout>,
    [body, rule, a.acceptUrl, `-- \n${t("footer")}`],
  );
}
