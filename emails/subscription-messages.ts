import type { Catalog } from "../app/i18n/index.ts";

const en = {
  footer: "GenMig Hub — gender and migration research lab. You receive this email because this address was entered on our subscription form.",
  confirm_subject: "Confirm your GenMig Hub subscription",
  confirm_body: "Someone, probably you, asked to receive GenMig Hub updates (policy briefs, research and webinars) at this address. Confirm with the button below. The link expires in {hours} hours and works once.",
  confirm_button: "Confirm my subscription",
  confirm_ignore: "If you did not ask for this, ignore this email: without confirmation you will receive nothing more from us.",
  already_subject: "You are already subscribed to GenMig Hub updates",
  already_body: "Someone, probably you, asked to subscribe this address again. Nothing changed: your subscription stands. You can change your language, topics or frequency, or unsubscribe, on your preference page.",
  already_button: "Open my preferences",
  link_fallback: "If the button does not work, copy this address into your browser:",
};

export const subscriptionMessages = {
  en,
  fr: {
    footer: "GenMig Hub — laboratoire de recherche sur le genre et la migration. Vous recevez cet e-mail parce que cette adresse a été saisie dans notre formulaire d'abonnement.",
    confirm_subject: "Confirmez votre abonnement à GenMig Hub",
    confirm_body: "Quelqu'un, sans doute vous, a demandé à recevoir les actualités de GenMig Hub (notes d'orientation, recherches et webinaires) à cette adresse. Confirmez avec le bouton ci-dessous. Le lien expire dans {hours} heures et ne sert qu'une fois.",
    confirm_button: "Confirmer mon abonnement",
    confirm_ignore: "Si vous n'avez rien demandé, ignorez cet e-mail : sans confirmation, vous ne recevrez plus rien de notre part.",
    already_subject: "Vous êtes déjà abonné·e aux actualités de GenMig Hub",
    already_body: "Quelqu'un, sans doute vous, a demandé à abonner de nouveau cette adresse. Rien n'a changé : votre abonnement est maintenu. Vous pouvez changer de langue, de thèmes ou de fréquence, ou vous désabonner, sur votre page de préférences.",
    already_button: "Ouvrir mes préférences",
    link_fallback: "Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :",
  },
  es: {
    footer: "GenMig Hub — laboratorio de investigación sobre género y migración. Recibe este correo porque esta dirección se introdujo en nuestro formulario de suscripción.",
    confirm_subject: "Confirme su suscripción a GenMig Hub",
    confirm_body: "Alguien, probablemente usted, pidió recibir las novedades de GenMig Hub (notas de política, investigaciones y seminarios web) en esta dirección. Confirme con el botón de abajo. El enlace caduca en {hours} horas y sirve una sola vez.",
    confirm_button: "Confirmar mi suscripción",
    confirm_ignore: "Si no lo pidió, ignore este correo: sin confirmación no recibirá nada más de nuestra parte.",
    already_subject: "Ya está suscrito/a a las novedades de GenMig Hub",
    already_body: "Alguien, probablemente usted, pidió suscribir de nuevo esta dirección. Nada cambió: su suscripción sigue vigente. Puede cambiar el idioma, los temas o la frecuencia, o darse de baja, en su página de preferencias.",
    already_button: "Abrir mis preferencias",
    link_fallback: "Si el botón no funciona, copie esta dirección en su navegador:",
  },
} satisfies Catalog<typeof en>;
