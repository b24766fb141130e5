export const REDACTED = "[redacted]";

// Every one-time or bearer secret the hub puts in a link: sign-in tokens, signed registration and join links,
// calendar feed secrets, subscription confirmation, preference and unsubscribe keys, and any future link that
// carries its secret as a `token`-like query parameter.
const SECRET_PARAM = /([?&;](?:token|secret|code|key|sig|signature)=)[^&#\s]+/gi;
const SECRET_PATH = /\/(r|j|invite|dialogue-invite|subscribe\/confirm|subscription|unsubscribe)\/[^/?#\s>]+|\/calendar\/[^/?#\s]+?\.ics/g;
// The List-Unsubscribe mailto carries the unsubscribe key in its subject.
const MAILTO_KEY = /(subject=unsubscribe(?:%20|\+))[^&#\s>]+/gi;
const URL_LIKE = /\b(?:https?|webcal):\/\/[^\s<>"'`]+|\bmailto:[^\s<>"'`]+/gi;

function redactUrl(url: string) {
  return url
    .replace(SECRET_PARAM, `$1${REDACTED}`)
    .replace(MAILTO_KEY, `$1${REDACTED}`)
    .replace(SECRET_PATH, (match, kind?: string) => (kind ? `/${kind}/${REDACTED}` : `/calendar/${REDACTED}.ics`));
}

/** What staff may read of a message (its text, subject, headers, errors): everything but the secrets in its links. */
export function redactSecrets(text: string) {
  return text.replace(URL_LIKE, redactUrl);
}
