import { data, redirect } from "@remix-run/node";
import { AppError, HTTP_STATUS, type FieldErrors } from "../services/errors.ts";
import type { ErrorKey } from "../i18n/errors.ts";

export interface FormFailure {
  ok: false;
  formError: ErrorKey;
  fieldErrors: FieldErrors;
  values?: Record<string, string>;
}

/**
 * Runs a form's use case; an AppError becomes field messages with a 4xx status and the submitted values,
 * so the page re-renders with what the person typed. Anything else propagates to the error boundary.
 */
export async function runForm<T>(fn: () => Promise<T>, values?: Record<string, string>): Promise<T | FormFailure> {
  try {
    return await fn();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const failure: FormFailure = { ok: false, formError: error.key, fieldErrors: error.fields ?? {}, values };
    // Typed as the payload: Remix unwraps data() into the action data the page receives.
    return data(failure, { status: HTTP_STATUS[error.code] }) as unknown as FormFailure;
  }
}

export function isFailure<T>(value: T): value is Extract<T, { ok: false }> {
  return typeof value === "object" && value !== null && (value as unknown as FormFailure).ok === false;
}

/** For loaders: an invisible or missing object is a 404 page, an anonymous visitor is asked to sign in. */
export async function orErrorPage<T>(fn: () => Promise<T>, request: Request): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.code === "UNAUTHENTICATED") {
      const url = new URL(request.url);
      throw redirect(`/auth/sign-in?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
    }
    throw new Response(null, { status: error.code === "FORBIDDEN" ? 403 : 404 });
  }
}
