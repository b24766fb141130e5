import type { LoaderFunctionArgs } from "@remix-run/node";
import { documentDownload } from "../services/dialogues/document-files.server.ts";
import { orErrorPage } from "../utils/forms.server.ts";
import { requireSignedIn } from "../utils/request.server.ts";

// /dialogues/<id>/files/<fileId>: the only way to a shared file's bytes. The same 404 for a missing id, another
// dialogue's id, a removed document and a reader the policy refuses (a removed member included).
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor } = await requireSignedIn(request);
  return orErrorPage(() => documentDownload(actor, params.id!, params.fileId!), request);
}
