import type { Catalog } from "../index.ts";

const en = {
  sign_in_title: "Sign in",
  sign_in_intro: "We send a single-use sign-in link to your email address. No password needed.",
  email_label: "Email address",
  send_link: "Email me a sign-in link",
  link_sent_title: "Check your email",
  link_sent_body: "If {email} belongs to a GenMig Hub account, a sign-in link is on its way. It works once and expires in 15 minutes.",
  verify_title: "Finish signing in",
  verify_body: "Press the button to sign in on this device.",
  verify_button: "Sign in",
  verify_missing: "This page needs the link from your sign-in email.",
  ask_new_link: "Ask for a new link",
  signed_out: "You are signed out.",
};

export const auth = {
  en,
  fr: {
    sign_in_title: "Connexion",
    sign_in_intro: "Nous envoyons un lien de connexion à usage unique à votre adresse e-mail. Aucun mot de passe n'est nécessaire.",
    email_label: "Adresse e-mail",
    send_link: "M'envoyer un lien de connexion",
    link_sent_title: "Consultez votre messagerie",
    link_sent_body: "Si {email} correspond à un compte GenMig Hub, un lien de connexion vous a été envoyé. Il ne fonctionne qu'une fois et expire dans 15 minutes.",
    verify_title: "Terminer la connexion",
    verify_body: "Appuyez sur le bouton pour vous connecter sur cet appareil.",
    verify_button: "Se connecter",
    verify_missing: "Cette page nécessite le lien reçu dans votre e-mail de connexion.",
    ask_new_link: "Demander un nouveau lien",
    signed_out: "Vous êtes déconnecté·e.",
  },
  es: {
    sign_in_title: "Iniciar sesión",
    sign_in_intro: "Enviamos un enlace de acceso de un solo uso a su correo electrónico. No necesita contraseña.",
    email_label: "Correo electrónico",
    send_link: "Enviarme un enlace de acceso",
    link_sent_title: "Revise su correo",
    link_sent_body: "Si {email} corresponde a una cuenta de GenMig Hub, le enviamos un enlace de acceso. Funciona una sola vez y caduca en 15 minutos.",
    verify_title: "Terminar de iniciar sesión",
    verify_body: "Pulse el botón para iniciar sesión en este dispositivo.",
    verify_button: "Iniciar sesión",
    verify_missing: "Esta página necesita el enlace de su correo de acceso.",
    ask_new_link: "Solicitar un nuevo enlace",
    signed_out: "Ha cerrado la sesión.",
  },
} satisfies Catalog<typeof en>;
