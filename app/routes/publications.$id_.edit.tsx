import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FieldMessage } from "../components/fields.tsx";
import { PublicationForm } from "../components/publication-form.tsx";
import { LANGUAGE_NAMES, fromDbLanguage, translator } from "../i18n/index.ts";
import { publicationsUi } from "../i18n/ui/publications.ts";
import { distributionUi } from "../i18n/ui/distribution.ts";
import { authorize, can } from "../services/policy.server.ts";
import { notifyEarlierRecipients } from "../services/sends/distribution-update.server.ts";
import { formChoices, formValues, publicationFromForm, valuesOf } from "../services/publications/form.server.ts";
import { MAX_PDF_BYTES } from "../services/publications/pdfs.server.ts";
import { getPublication, updatePublication } from "../services/publications/publications.server.ts";
import { formatBytes } from "../services/publications/view.ts";
import { isFailure, orErrorPage, runForm } from "../utils/forms.server.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { langOf, pageTitle } from "../utils/meta.ts";
import { requireSignedIn } from "../utils/request.server.ts";

export const meta: MetaFunction = ({ matches }) => {
  const lang = langOf(matches);
  return [{ title: pageTitle(lang, { text: translator(publicationsUi, lang)("edit_title") }) }, { name: "robots", content: "noindex" }];
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, lang } = await requireSignedIn(request);
  // Staff only: the rule is asked before the item is looked up, so the answer says nothing about the id.
  const p = await orErrorPage(async () => {
    authorize(actor, { do: "publication.manage" });
    return getPublication(actor, params.id!);
  }, request);
  const upload = new URL(request.url).searchParams;
  return {
    id: p.id,
    values: valuesOf(p),
    versions: p.translations.map((t) => ({ lang: fromDbLanguage(t.language)!, pdfSize: t.pdfKey ? t.pdfSize : null })),
    choices: await formChoices(actor, lang),
    canSend: can(actor, { do: "send.manage" }),
    // The upload route sends back here with its outcome in the query (it has no page of its own).
    uploadError: upload.get("pdf_error") ? { lang: upload.get("pdf_lang") ?? "", key: upload.get("pdf_error")! } : null,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireSignedIn(request);
  const form = await request.formData();
  const notify = form.get("notifyEarlierRecipients") === "on";
  return runForm(async () => {
    // Asked before anything changes: an update that may not notify is refused as a whole.
    if (notify) authorize(actor, { do: "send.manage" });
    await updatePublication(actor, params.id!, publicationFromForm(form));
    // Only when staff tick the box: earlier recipients who may still see it, once each.
    if (notify) await notifyEarlierRecipients(actor, params.id!);
    return redirect(`/publications/${params.id}`);
  }, formValues(form));
}

export default function EditPublication() {
  const t = useT(publicationsUi);
  const td = useT(distributionUi);
  const lang = useLang();
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = isFailure(result) ? result : null;
  const maxMb = Math.round(MAX_PDF_BYTES / (1024 * 1024));
  return (
    <section>
      <p>
        <Link to={`/publications/${d.id}`}>← {d.values.title_en || d.values.title_fr || d.values.title_es}</Link>
      </p>
      <h1>{t("edit_title")}</h1>
      {d.canSend ? (
        <p>
          <Link to={`/publications/${d.id}/distribute`}>{td("link")}</Link>
        </p>
      ) : null}
      <h2>PDF</h2>
      {/* A language that names no version here (a hand-made request, an unsupported language): said once, above. */}
      {d.uploadError && !d.versions.some((v) => v.lang === d.uploadError!.lang) ? (
        <FieldMessage id="pdf-error" error={{ key: d.uploadError.key as never, vars: { max: maxMb } }} />
      ) : null}
      {d.versions.map((v) => (
        <fieldset key={v.lang}>
          <legend>{LANGUAGE_NAMES[v.lang]}</legend>
          {v.pdfSize ? <p>{t("pdf_current", { size: formatBytes(v.pdfSize, lang) })}</p> : null}
          <Form method="post" action={`/publications/${d.id}/upload`} encType="multipart/form-data">
            <input type="hidden" name="language" value={v.lang} />
            <label htmlFor={`pdf-${v.lang}`}>{t("pdf", { max: maxMb })}</label>
            <input id={`pdf-${v.lang}`} type="file" name="pdf" accept="application/pdf,.pdf" required />
            {d.uploadError?.lang === v.lang ? <FieldMessage id={`pdf-${v.lang}-error`} error={{ key: d.uploadError.key as never, vars: { max: maxMb } }} /> : null}
            <button type="submit">{t("save")}</button>
          </Form>
          {v.pdfSize ? (
            <Form method="post" action={`/publications/${d.id}/upload`}>
              <input type="hidden" name="language" value={v.lang} />
              <button type="submit" name="intent" value="remove">
                {t("remove_pdf")}
              </button>
            </Form>
          ) : null}
        </fieldset>
      ))}
      <PublicationForm
        values={failure?.values ?? d.values}
        failure={failure}
        choices={d.choices}
        submit={t("save")}
        beforeSubmit={
          d.canSend ? (
            <p>
              <label className="check">
                <input type="checkbox" name="notifyEarlierRecipients" aria-describedby="f-notify-hint" defaultChecked={failure?.values?.notifyEarlierRecipients === "on"} />{" "}
                {td("notify")}
              </label>
              <span className="hint" id="f-notify-hint">
                {td("notify_hint")}
              </span>
            </p>
          ) : null
        }
      />
    </section>
  );
}
