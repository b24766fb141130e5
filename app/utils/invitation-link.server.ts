import { data, redirect } from "@remix-run/node";
import { AppError } from "../services/errors.ts";
import type { Actor } from "../services/policy.server.ts";
import { runForm } from "./forms.server.ts";
import { pageContext } from "./request.server.ts";
import { clientIp, sessionCookie } from "./session.server.ts";
import { signInBrowser } from "./sign-in-browser.server.ts";

// An emailed invitation link is bound to the browser that opened it: the page carries a proof derived from that
// browser's cookie, and only a POST from the same browser with that proof accepts. GET never changes anything.

/** The GET: `invitation` is the preview for this browser, or null (400) for a bad, spent or expired link. */
export async function invitationLinkPage<T>(request: Request, preview: (browser: string) => Promise<T>, headers: Record<string, string> = {}) {
  const browser = signInBrowser(request);
  const init = { headers: browser.setCookie ? { ...headers, "set-cookie": browser.setCookie } : headers };
  try {
    return data({ invitation: (await preview(browser.value)) as T | null }, init);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return data({ invitation: null as T | null }, { ...init, status: 400 });
  }
}

export interface InvitationAcceptance {
  actor: Actor;
  browser: string;
  proof: string;
  userAgent?: string;
  ip?: string;
}

/** The POST: `accept` says where to go and, for someone not yet signed in, the new session; refusals become form errors. */
export async function acceptInvitationLink(
  request: Request,
  context: unknown,
  accept: (acceptance: InvitationAcceptance) => Promise<{ to: string; sessionSecret?: string | null }>,
) {
  const form = await request.formData();
  const { actor } = await pageContext(request);
  return runForm(async () => {
    const { to, sessionSecret } = await accept({
      actor,
      browser: signInBrowser(request).value,
      proof: String(form.get("proof") ?? ""),
      userAgent: request.headers.get("user-agent") ?? undefined,
      ip: clientIp(context),
    });
    return redirect(to, { headers: sessionSecret ? { "set-cookie": sessionCookie(request, sessionSecret) } : undefined });
  });
}
