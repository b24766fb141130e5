import crypto from "node:crypto";

// `npm run cli -- dkim:keygen`: the key pair an operator needs to sign the hub's mail (ADR 0042).

export interface DkimKeyPair {
  selector: string;
  domain: string;
  /** PKCS#8 PEM, for DKIM_PRIVATE_KEY or the file DKIM_PRIVATE_KEY_FILE names. */
  privateKeyPem: string;
  /** The p= value: the public key, DER (SubjectPublicKeyInfo) in base64. */
  publicKey: string;
  /** The TXT record's value as one string, for a DNS provider's form. */
  txtValue: string;
  /** The zone-file line; the value in quoted strings of at most 255 characters, as DNS requires. */
  zoneLine: string;
}

/** A selector that names the month, so a later key gets a new one and the old record can stay while mail is in flight. */
export const defaultSelector = (now = new Date()) => `genmig${now.getUTCFullYear()}${String(now.getUTCMonth() + 1).padStart(2, "0")}`;

export function generateDkimKey(opts: { selector: string; domain: string; bits?: number }): DkimKeyPair {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: opts.bits ?? 2048 });
  const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const p = publicKey.export({ type: "spki", format: "der" }).toString("base64");
  const txtValue = `v=DKIM1; k=rsa; p=${p}`;
  const strings = txtValue.match(/.{1,255}/g)!.map((s) => `"${s}"`);
  const zoneLine = `${opts.selector}._domainkey.${opts.domain} IN TXT ${strings.join(" ")}`;
  return { selector: opts.selector, domain: opts.domain, privateKeyPem, publicKey: p, txtValue, zoneLine };
}
