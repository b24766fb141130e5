import { redirect } from "@remix-run/node";

/**
 * A destructive form posted without its confirmation step (an old page, a hand-made request) shows the step
 * instead of acting: back to the same page with ?confirm=<key> (see app/components/confirm-step.tsx).
 */
export function requireConfirmed(request: Request, form: Record<string, string>, key: string) {
  if (form.confirmed === "yes") return;
  const url = new URL(request.url);
  throw redirect(`${url.pathname}?confirm=${encodeURIComponent(key)}#confirm`);
}

/** The key of the confirmation step the page was opened with, if any. */
export function confirmRequested(request: Request) {
  return new URL(request.url).searchParams.get("confirm");
}
