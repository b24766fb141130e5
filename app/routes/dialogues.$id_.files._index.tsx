import { redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ChathamHouseBanner } from "../components/dialogue-banner.tsx";
import { DialogueDocumentsTable } from "../components/dialogue-documents.tsx";
import { Field, FormErrors } from "../components/fields.tsx";
import { MAX_UPLOAD_BYTES } from "../http/limits.ts";
import { dialogueSessionsUi } from "../i18n/ui/dialogue-sessions.ts";
import { pageArgsFromUrl } from "../schemas/page.ts";
import { pickText, readableDialogue } from "../services/dialogues/access.server.ts";
import { removeDialogueDocument } from "../services/dialogues/document-files.server.ts";
import { documentRows, listDocuments } from "../services/dialogues/documents.server.ts";
import { can } from "../services/policy.server.ts";
import { isFailure, orErrorPage, runForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.ts";
import { requireSignedIn } from "../utils/request.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.dialogue.title ?? "Dialogue"} · GenMig Hub` }, { name: "robots", content: "noindex" }];
export const headers: HeadersFunction = () => ({ "cache-control": "private, no-store" });

// /dialogues/<id>/files: the documents of a dialogue, with the upload form (which posts to …/files/upload, the
// only paths the front door lets carry 25 MB).
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, lang } = await requireSignedIn(request);
  const d = await orErrorPage(() => readableDialogue(actor, params.id!), request);
  const url = new URL(request.url);
  const docs = await listDocuments(actor, d, pageArgsFromUrl(url, 50));
  return {
    dialogue: { id: d.id, title: pickText(d, lang).title, chathamHouse: d.chathamHouse },
    documents: documentRows(docs.nodes),
    next: docs.pageInfo.hasNextPage ? docs.pageInfo.endCursor : null,
    canUpload: can(actor, { do: "dialogue.upload", dialogue: d }),
    canRemove: can(actor, { do: "dialogue.removeDocument", dialogue: d }),
    notice: url.searchParams.get("done"),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireSignedIn(request);
  const form = Object.fromEntries([...(await request.formData())].map(([k, v]) => [k, String(v)]));
  return runForm(async () => {
    if (form.intent !== "remove") throw new Response(null, { status: 400 });
    // The address names the dialogue: a document of another one is not found here.
    await removeDialogueDocument(actor, form.documentId ?? "", params.id!);
    return redirect(`/dialogues/${params.id}/files?done=removed`);
  }, form);
}

export default function DialogueFiles() {
  const t = useT(dialogueSessionsUi);
  const { dialogue: d, documents, next, canUpload, canRemove, notice } = useLoaderData<typeof loader>();
  const result = useActionData<{ ok: false } | undefined>();
  const failure = isFailure(result) ? (result as unknown as Parameters<typeof FormErrors>[0]["failure"]) : null;
  const mb = MAX_UPLOAD_BYTES / 1024 / 1024;
  return (
    <section>
      <p>
        <Link to={`/dialogues/${d.id}`}>{d.title}</Link>
      </p>
      <h1>{t("documents")}</h1>
      <ChathamHouseBanner on={d.chathamHouse} />
      {notice === "uploaded" ? <p role="status">{t("uploaded")}</p> : null}
      {notice === "removed" ? <p role="status">{t("removed")}</p> : null}
      <FormErrors failure={failure} />
      {documents.length ? <DialogueDocumentsTable documents={documents} canRemove={canRemove} /> : <p>{t("no_documents", { mb })}</p>}
      {next ? <Link to={`?after=${encodeURIComponent(next)}`}>→</Link> : null}
      {canUpload ? (
        <Form method="post" action={`/dialogues/${d.id}/files/upload`} encType="multipart/form-data">
          <h2>{t("upload")}</h2>
          <Field name="file" label={t("upload_file", { mb })} errors={failure?.fieldErrors}>
            {(a) => <input {...a} type="file" required accept=".pdf,.docx,.odt,.xlsx,application/pdf" />}
          </Field>
          <button type="submit">{t("upload_button")}</button>
        </Form>
      ) : null}
    </section>
  );
}
