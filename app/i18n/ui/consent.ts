import type { Catalog } from "../index.ts";

// The subscribe page's consent text when open/click counting is on (version CONSENT_WORDING_COUNTED), and what
// an administrator is told before turning counting on. Changing the meaning of consent_counted means a new version.
const en = {
  consent_counted:
    "We will email you a summary of new items in your topics at the frequency you choose. We keep your address, your choices and when and how you agreed. Our newsletters count opens and clicks: each carries a small image and links that pass through our site, so we can count how many readers opened a send and followed its links — totals per send only, never who opened or clicked. Every email has a link to change your choices or unsubscribe in one click. We never share your address.",
  warn_title: "Before you turn counting on",
  warn_intro: "This changes what readers are told and what their mail contains:",
  warn_mail: "Every newsletter, digest and distribution composed from now on carries a counting image and links that pass through the hub. Only totals per send are kept.",
  warn_page: "The subscribe page stops promising \"no tracking of opens\" and says that opens and clicks are counted (consent wording {version}); new subscribers agree to that text.",
  warn_earlier: "{n, plural, one {# confirmed subscriber} other {# confirmed subscribers}} agreed to the earlier wording, which promised no tracking of opens. Consider telling them before the next send.",
  warn_off: "You can turn counting off at any time; the subscribe page then goes back to the wording without counting.",
  warn_confirm: "Yes, turn counting on",
  warn_cancel: "Keep counting off",
};

export const consentUi = {
  en,
  fr: {
    consent_counted:
      "Nous vous enverrons par e-mail un résumé des nouveautés dans vos thèmes, à la fréquence choisie. Nous conservons votre adresse, vos choix, ainsi que la date et la manière dont vous avez donné votre accord. Nos lettres comptent les ouvertures et les clics : chacune contient une petite image et des liens qui passent par notre site, ce qui nous permet de compter combien de lecteurs ont ouvert un envoi et suivi ses liens — des totaux par envoi uniquement, jamais qui a ouvert ou cliqué. Chaque e-mail contient un lien pour modifier vos choix ou vous désabonner en un clic. Nous ne partageons jamais votre adresse.",
    warn_title: "Avant d'activer le comptage",
    warn_intro: "Cela change ce qui est dit aux lecteurs et ce que contiennent leurs messages :",
    warn_mail: "Chaque lettre, digest et diffusion composés à partir de maintenant contient une image de comptage et des liens qui passent par le hub. Seuls des totaux par envoi sont conservés.",
    warn_page: "La page d'abonnement ne promet plus « aucun suivi des ouvertures » et indique que les ouvertures et les clics sont comptés (texte de consentement {version}) ; les nouveaux abonnés acceptent ce texte.",
    warn_earlier: "{n, plural, one {# abonné confirmé a accepté} other {# abonnés confirmés ont accepté}} le texte précédent, qui promettait aucun suivi des ouvertures. Pensez à les prévenir avant le prochain envoi.",
    warn_off: "Vous pouvez désactiver le comptage à tout moment ; la page d'abonnement reprend alors le texte sans comptage.",
    warn_confirm: "Oui, activer le comptage",
    warn_cancel: "Laisser le comptage désactivé",
  },
  es: {
    consent_counted:
      "Le enviaremos por correo un resumen de las novedades en sus temas con la frecuencia que elija. Guardamos su dirección, sus opciones y cuándo y cómo dio su consentimiento. Nuestros boletines cuentan aperturas y clics: cada uno lleva una pequeña imagen y enlaces que pasan por nuestro sitio, para contar cuántos lectores abrieron un envío y siguieron sus enlaces — solo totales por envío, nunca quién abrió o hizo clic. Cada correo tiene un enlace para cambiar sus opciones o darse de baja con un clic. Nunca compartimos su dirección.",
    warn_title: "Antes de activar el recuento",
    warn_intro: "Esto cambia lo que se dice a los lectores y lo que contienen sus correos:",
    warn_mail: "Cada boletín, resumen y difusión compuestos a partir de ahora lleva una imagen de recuento y enlaces que pasan por el hub. Solo se guardan totales por envío.",
    warn_page: "La página de suscripción deja de prometer «no rastreamos aperturas» e indica que se cuentan aperturas y clics (texto de consentimiento {version}); las nuevas personas suscritas aceptan ese texto.",
    warn_earlier: "{n, plural, one {# persona suscrita confirmada aceptó} other {# personas suscritas confirmadas aceptaron}} el texto anterior, que prometía no rastrear aperturas. Considere avisarles antes del próximo envío.",
    warn_off: "Puede desactivar el recuento en cualquier momento; la página de suscripción vuelve entonces al texto sin recuento.",
    warn_confirm: "Sí, activar el recuento",
    warn_cancel: "Mantener el recuento desactivado",
  },
} satisfies Catalog<typeof en>;
