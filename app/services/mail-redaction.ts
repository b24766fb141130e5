export const REDACTED = "[redacted]";

// Every one-time or bearer secret the hub puts in a link: sign-in tokens, signed registration and join links,
// calendar feed secrets, and any future link that carries its secret as a `token`-like query parameter.
const SECRET_PARAM = /([?&;](?:token|secret|code|key|sig|signature)=)[^&#\s]+/gi;
const SECRET_PATH = /\/(r|j|invite|dialogue-invite)\/[^/?#\s]+|\/calendar\/[^/?#\s]+?\.ics/g;
const URL_LIKE = /\b(?:https?|webcal):\/\/[^\s<>"'`]+/gi;

function redactUrl(url: string) {
  return url
    .replace(SECRET_PARAM, `$1${REDACTED}`)
    .replace(SECRET_PATH, (match, kind?: string) => (kind ? `/${kind}/${REDACTED}` : `/calendar/${REDACTED}.ics`));
}

/** What an admin may read of a message: everything but the secrets in its links (issue 8). */
export function redactSecrets(text: string) {
  return text.replace(URL_LIKE, redactUrl);
}
