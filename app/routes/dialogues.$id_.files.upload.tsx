import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { uploadDialogueDocument } from "../services/dialogues/document-files.server.ts";
import { runForm } from "../utils/forms.server.ts";
import { requireSignedIn } from "../utils/request.server.ts";
export { default, headers, loader, meta } from "./dialogues.$id_.files._index.tsx";

// The upload form posts here: the path ends in /upload, so the front door allows a 25 MB body. A refused file
// re-renders the documents page with the message on the file field.
export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireSignedIn(request);
  const form = await request.formData();
  return runForm(async () => {
    await uploadDialogueDocument(actor, params.id!, form.get("file"));
    return redirect(`/dialogues/${params.id}/files?done=uploaded`);
  }, {});
}
