import { AppError } from "../app/services/errors.ts";
import { setPublicationPdf } from "../app/services/publications/pdfs.server.ts";
import { getPublication } from "../app/services/publications/publications.server.ts";
import { builder } from "./builder.ts";
import { Language, toLang } from "./enums.ts";
import { Publication } from "./publications.ts";

// The same use case as the page /publications/<id>/upload: one place decides size, kind and who may upload.
builder.mutationFields((t) => ({
  uploadPublicationPdf: t.field({
    type: Publication,
    description:
      "Staff only. Attaches (or replaces) one language version's PDF, sent as a multipart request (GraphQL multipart " +
      "request spec; with a session cookie also send the `x-graphql-csrf` header). At most 25 MB, and the bytes must be " +
      "a PDF: otherwise BAD_USER_INPUT on `file` (pdf_not_pdf, pdf_too_large, required) and nothing is stored; a " +
      "language without a version is BAD_USER_INPUT on `language` (pdf_without_version).",
    args: {
      id: t.arg.id({ required: true }),
      language: t.arg({ type: Language, required: true }),
      file: t.arg({ type: "File", required: true }),
    },
    resolve: async (_r, a, ctx) => {
      try {
        await setPublicationPdf(ctx.actor, String(a.id), toLang(a.language), a.file);
      } catch (error) {
        // The service names its form field (`pdf`); here the argument is `file` (or `language` for a missing
        // version), and the one problem is the message itself ("The PDF is too large (at most 25 MB).").
        if (error instanceof AppError && error.fields?.pdf) {
          const { pdf, ...rest } = error.fields;
          const field = pdf.key === "pdf_without_version" ? "language" : "file";
          throw new AppError(error.code, pdf.key, { ...rest, [field]: pdf }, pdf.vars);
        }
        throw error;
      }
      return getPublication(ctx.actor, String(a.id));
    },
  }),
}));
