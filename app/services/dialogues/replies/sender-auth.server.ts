import { dkimVerify } from "mailauth";
import type { DNSResolver } from "mailauth";

export type AuthVerdict = { ok: true; checked: "results-header" | "dkim" | "none" } | { ok: false; failed: "dkim" | "spf" };

/** DNS lookups for a signature's key: bounded, so a slow resolver delays one reply, never the receiver. */
const DKIM_TIMEOUT_MS = 5000;

/**
 * The topmost Authentication-Results header, which the receiving relay or provider added (ADR 0052); lower ones
 * came with the message and prove nothing. Read for `dkim=` and `spf=` results only.
 */
function topResults(headerLines: readonly { key: string; line: string }[]): string | null {
  const line = headerLines.find((h) => h.key === "authentication-results")?.line;
  return line ? line.replace(/^[^:]*:/, "").replace(/\([^)]*\)/g, " ").replace(/\s+/g, " ").toLowerCase() : null;
}

const results = (text: string, method: "dkim" | "spf") => [...text.matchAll(new RegExp(`\\b${method}=([a-z]+)`, "g"))].map((m) => m[1]);

/**
 * Refuses a reply whose sender is shown to be forged: where the message carries an Authentication-Results header,
 * DKIM that failed with none passing, or SPF `fail`; otherwise, where it carries a DKIM signature, the signature is
 * checked with mailauth and refused when it fails (a body changed since signing included). No result, a neutral one
 * or a DNS failure accept: the reply address's own signature and the sender match already name the person.
 */
export async function checkSender(raw: Buffer, headerLines: readonly { key: string; line: string }[], resolver?: DNSResolver): Promise<AuthVerdict> {
  const ar = topResults(headerLines);
  if (ar) {
    const dkim = results(ar, "dkim");
    if (dkim.includes("fail") && !dkim.includes("pass")) return { ok: false, failed: "dkim" };
    if (results(ar, "spf").includes("fail")) return { ok: false, failed: "spf" };
    return { ok: true, checked: "results-header" };
  }
  if (!headerLines.some((h) => h.key === "dkim-signature")) return { ok: true, checked: "none" };
  const verified = await Promise.race([
    dkimVerify(raw, resolver ? { resolver } : {}).catch(() => null),
    new Promise<null>((resolve) => { const timer = setTimeout(() => resolve(null), DKIM_TIMEOUT_MS); (timer as { unref?: () => void }).unref?.(); }),
  ]);
  const statuses = verified?.results.map((r) => ({ result: r.status.result, comment: String(r.status.comment ?? "") })) ?? [];
  const failed = statuses.filter((s) => s.result === "fail" || /body hash did not verify/.test(s.comment));
  if (failed.length && !statuses.some((s) => s.result === "pass")) return { ok: false, failed: "dkim" };
  return { ok: true, checked: "dkim" };
}
