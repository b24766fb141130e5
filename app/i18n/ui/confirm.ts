import type { Catalog } from "../index.ts";

// Confirmation steps of destructive actions: each names what happens, and a notice says it happened.
const en = {
  keep: "No, go back",
  leave_title: "Leave “{title}”?",
  leave_text: "You will no longer see its threads, sessions or documents, and you stop receiving its emails. Your posts stay. To come back, a facilitator must invite you again.",
  leave_yes: "Yes, leave this dialogue",
  left_notice: "You have left the dialogue. Its threads, documents and emails no longer reach you.",
  remove_title: "Remove {name} from this dialogue?",
  remove_text: "{name} will no longer see its threads, sessions or documents and stops receiving its emails. Their posts stay. They can come back only with a new invitation.",
  remove_yes: "Yes, remove {name}",
  removed_notice: "{name} no longer belongs to this dialogue.",
  revoke_title: "Withdraw the invitation to {who}?",
  revoke_text: "The link already sent to {who} stops working at once. You can invite them again later.",
  revoke_yes: "Yes, withdraw the invitation",
  revoked_notice: "The invitation to {who} is withdrawn; its link no longer works.",
};

export const confirmUi = {
  en,
  fr: {
    keep: "Non, revenir",
    leave_title: "Quitter « {title} » ?",
    leave_text: "Vous ne verrez plus ses fils, ses séances ni ses documents, et vous ne recevrez plus ses e-mails. Vos messages restent. Pour revenir, un·e facilitateur·rice doit vous inviter à nouveau.",
    leave_yes: "Oui, quitter ce dialogue",
    left_notice: "Vous avez quitté le dialogue. Ses fils, ses documents et ses e-mails ne vous parviennent plus.",
    remove_title: "Retirer {name} de ce dialogue ?",
    remove_text: "{name} ne verra plus ses fils, ses séances ni ses documents et ne recevra plus ses e-mails. Ses messages restent. Seule une nouvelle invitation permet de revenir.",
    remove_yes: "Oui, retirer {name}",
    removed_notice: "{name} ne fait plus partie de ce dialogue.",
    revoke_title: "Retirer l'invitation envoyée à {who} ?",
    revoke_text: "Le lien déjà envoyé à {who} cesse aussitôt de fonctionner. Vous pourrez l'inviter de nouveau plus tard.",
    revoke_yes: "Oui, retirer l'invitation",
    revoked_notice: "L'invitation envoyée à {who} est retirée ; son lien ne fonctionne plus.",
  },
  es: {
    keep: "No, volver",
    leave_title: "¿Salir de «{title}»?",
    leave_text: "Dejará de ver sus hilos, sesiones y documentos, y de recibir sus correos. Sus mensajes se conservan. Para volver, una persona facilitadora debe invitarle de nuevo.",
    leave_yes: "Sí, salir de este diálogo",
    left_notice: "Ha salido del diálogo. Sus hilos, documentos y correos ya no le llegan.",
    remove_title: "¿Quitar a {name} de este diálogo?",
    remove_text: "{name} dejará de ver sus hilos, sesiones y documentos y de recibir sus correos. Sus mensajes se conservan. Solo podrá volver con una nueva invitación.",
    remove_yes: "Sí, quitar a {name}",
    removed_notice: "{name} ya no forma parte de este diálogo.",
    revoke_title: "¿Retirar la invitación a {who}?",
    revoke_text: "El enlace ya enviado a {who} deja de funcionar de inmediato. Podrá invitarle de nuevo más adelante.",
    revoke_yes: "Sí, retirar la invitación",
    revoked_notice: "La invitación a {who} está retirada; su enlace ya no funciona.",
  },
} satisfies Catalog<typeof en>;
