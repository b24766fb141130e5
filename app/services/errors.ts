import { translator, type Vars } from "../i18n/index.ts";
import { errorMessages, type ErrorKey } from "../i18n/errors.ts";

export type ErrorCode = "BAD_USER_INPUT" | "UNAUTHENTICATED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT" | "RATE_LIMITED";

export const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
};

export type FieldErrors = Record<string, { key: ErrorKey; vars?: Vars }>;

const english = translator(errorMessages, "en");

/** An expected failure of a use case: every surface shows it as a message, never as a 500. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly key: ErrorKey,
    readonly fields?: FieldErrors,
    readonly vars?: Vars,
  ) {
    super(english(key, vars));
    this.name = "AppError";
  }
}

export const notFound = () => new AppError("NOT_FOUND", "not_found");
export const forbidden = () => new AppError("FORBIDDEN", "forbidden");
export const unauthenticated = () => new AppError("UNAUTHENTICATED", "unauthenticated");
