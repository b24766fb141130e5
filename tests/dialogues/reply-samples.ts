/**
 * Typical replies as the common mail clients write them, in the working languages: the person's text, then the
 * client's quote header and the quoted notice (ADR 0052). `own` is what must be posted.
 */
export const REPLY_SAMPLES = {
  gmailEn: {
    own: "Thanks, this matches what we see in Tapachula.\n\nWe can share our shelter data next week.",
    text: `Thanks, this matches what we see in Tapachula.

We can share our shelter data next week.

--
Ana Ruiz
Field coordinator

On Mon, Dec 7, 2026 at 10:02 AM GenMig Hub <hub@genmig.invalid> wrote:

> A participant posted in "Seasonal visas", in the dialogue "Care corridors":
>
> The quota doubles next year.
>
> Open the thread: http://localhost/dialogues/x/threads/y
`,
  },
  outlookFr: {
    own: "Bonjour,\n\nNous confirmons les chiffres du rapport de mars.",
    text: `Bonjour,

Nous confirmons les chiffres du rapport de mars.

Cordialement,
Marie Dupont

________________________________
De : GenMig Hub <hub@genmig.invalid>
Envoyé : lundi 7 décembre 2026 10:02
À : Marie Dupont <marie@example.org>
Objet : Nouveau message dans un dialogue fermé sur GenMig Hub

Un participant a écrit dans « Visas saisonniers » :
Le quota double l'an prochain.
`,
  },
  appleEs: {
    own: "Estamos de acuerdo con la propuesta.",
    text: `Estamos de acuerdo con la propuesta.

Enviado desde mi iPhone

El 7 dic 2026, a las 10:02, GenMig Hub <hub@genmig.invalid> escribió:

> Un participante escribió en «Visas temporales»:
> La cuota se duplica el próximo año.
`,
  },
  thunderbirdFr: {
    own: "Je serai présente à la session.",
    text: `Je serai présente à la session.

Le 07/12/2026 à 10:02, GenMig Hub a écrit :
> Un participant a écrit dans « Visas saisonniers » :
`,
  },
  outlookEnOriginal: {
    own: "Agreed.",
    text: `Agreed.

-----Original Message-----
From: GenMig Hub
Sent: Monday, December 7, 2026 10:02 AM
To: John
Subject: New post

The quota doubles next year.
`,
  },
  gmailEnWrapped: {
    own: "See the attached brief.",
    text: `See the attached brief.

On Mon, 7 Dec 2026 at 10:02, GenMig Hub <hub@genmig.invalid>
wrote:
> The quota doubles next year.
`,
  },
};
