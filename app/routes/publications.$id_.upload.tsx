import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { AppError } from "../services/errors.ts";
import { removePublicationPdf, setPublicationPdf } from "../services/publications/pdfs.server.ts";
import { orErrorPage } from "../utils/forms.server.ts";
import { requireSignedIn } from "../utils/request.server.ts";

// Posted from the edit page (multipart). The path ends in /upload, so the front door allows a 25 MB body here.
export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireSignedIn(request);
  const form = await request.formData();
  const lang = form.get("language");
  const back = `/publications/${params.id}/edit`;
  try {
    if (form.get("intent") === "remove") await removePublicationPdf(actor, params.id!, lang);
    else await setPublicationPdf(actor, params.id!, lang, form.get("pdf"));
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== "BAD_USER_INPUT") return orErrorPage(() => Promise.reject(error), request);
    const field = Object.values(error.fields ?? {})[0];
    const q = new URLSearchParams({ pdf_lang: String(lang ?? ""), pdf_error: field?.key ?? error.key });
    return redirect(`${back}?${q}`, { status: 303 });
  }
  return redirect(back, { status: 303 });
}

export const loader = () => {
  throw new Response(null, { status: 404 });
};
