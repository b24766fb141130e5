import type { z } from "zod";
import { AppError, type FieldErrors } from "../services/errors.ts";
import type { ErrorKey } from "../i18n/errors.ts";

/** Parses or throws one BAD_USER_INPUT AppError carrying every field's message key. */
export function parseInput<S extends z.ZodTypeAny>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? "_");
    if (fields[field]) continue;
    const key = (/^[a-z_]+$/.test(issue.message) ? issue.message : "required") as ErrorKey;
    const max = issue.code === "too_big" ? Number(issue.maximum) : undefined;
    fields[field] = max ? { key, vars: { max } } : { key };
  }
  throw new AppError("BAD_USER_INPUT", "invalid_input", fields);
}
