import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FieldMessage, FormErrors } from "../components/fields.tsx";
import { isLang, LANGUAGE_NAMES, LANGUAGES, translator, type Lang } from "../i18n/index.ts";
import { common } from "../i18n/ui/common.ts";
import { distributionUi } from "../i18n/ui/distribution.ts";
import { publicationsUi } from "../i18n/ui/publications.ts";
import { SECTORS } from "../schemas/partner.ts";
import { REGIONS } from "../schemas/regions.ts";
import { TOPICS, topicLabel } from "../schemas/topics.ts";
import { authorize } from "../services/policy.server.ts";
import { listDialogues } from "../services/dialogues/dialogues.server.ts";
import { isReleased, pickTranslation } from "../services/publications/audience.ts";
import { formValues } from "../services/publications/form.server.ts";
import { getPublication } from "../services/publications/publications.server.ts";
import { checkPreviewProof, distributePublication, pageRequestKey, previewDistribution, previewProof, sendDistributionTest } from "../services/sends/distribution.server.ts";
import { isFailure, orErrorPage, runForm } from "../utils/forms.server.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { langOf, pageTitle } from "../utils/meta.ts";
import { requireSignedIn } from "../utils/request.server.ts";

export const meta: MetaFunction = ({ matches }) => {
  const lang = langOf(matches);
  return [{ title: pageTitle(lang, { text: translator(distributionUi, lang)("title") }) }, { name: "robots", content: "noindex" }];
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, lang } = await requireSignedIn(request);
  // The rule is asked before the item is looked up, so the answer says nothing about the id.
  const p = await orErrorPage(async () => {
    authorize(actor, { do: "send.manage" });
    return getPublication(actor, params.id!);
  }, request);
  const dialogues = await listDialogues(actor, {}, { first: 100 });
  const pick = (ts: { language: string; title: string }[]) => (ts.find((t) => t.language === lang.toUpperCase()) ?? ts[0])?.title ?? "";
  return {
    id: p.id,
    title: pickTranslation(p.translations, lang)?.translation.title ?? "",
    released: isReleased(p),
    dialogues: dialogues.nodes.map((d) => ({ id: d.id, title: pick(d.translations) })),
  };
}

/** The form's boxes → the segment the service validates (unknown values come back as field messages). */
function segmentFromForm(form: FormData) {
  const all = (k: string) => form.getAll(k).map(String);
  return {
    sectors: all("sectors"),
    regions: all("regions"),
    topics: all("topics"),
    dialogueIds: all("dialogueIds"),
    languages: all("languages"),
    includeSubscribers: form.get("includeSubscribers") === "on",
  };
}

/** Preview, test and send; Send only with the proof of a preview of this very segment. */
export async function action({ request, params }: ActionFunctionArgs) {
  const { actor, lang: pageLang } = await requireSignedIn(request);
  const form = await request.formData();
  const id = params.id!;
  const values = formValues(form);
  const asked = String(form.get("previewLang") ?? "");
  const lang: Lang = isLang(asked) ? asked : pageLang;
  return runForm(async () => {
    authorize(actor, { do: "send.manage" });
    const segment = segmentFromForm(form);
    if (form.get("intent") === "test") {
      await sendDistributionTest(actor, id, lang);
      return { done: "tested" as const, email: actor.email, values };
    }
    if (form.get("intent") === "send") {
      const proof = String(form.get("proof") ?? "");
      checkPreviewProof(actor.id, id, segment, proof);
      // The preview's proof and the send it follows make the key: posting the same form again sends nothing more.
      const requestKey = pageRequestKey(proof, String(form.get("previous") ?? ""));
      await distributePublication(actor, id, segment, { again: form.get("again") === "on", requestKey });
      return redirect("/admin/sends");
    }
    // The HTML itself is shown by the preview frame's own route.
    const { html: _html, earlier, ...preview } = await previewDistribution(actor, id, lang, segment);
    const before = earlier ? { id: earlier.id, at: earlier.startedAt.toISOString(), enqueued: earlier.enqueued } : null;
    return { done: "preview" as const, preview: { ...preview, earlier: before, lang, proof: previewProof(actor.id, id, preview.segment) }, values };
  }, values);
}

export default function Distribute() {
  const t = useT(distributionUi);
  const tp = useT(publicationsUi);
  const tc = useT(common);
  const lang = useLang();
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = isFailure(result) ? result : null;
  const outcome = result && !isFailure(result) ? result : null;
  const values = (result as { values?: Record<string, string> } | undefined)?.values ?? {};
  const errors = failure?.fieldErrors;
  const chosen = (name: string) => new Set((values[name] ?? "").split("\n").filter(Boolean));
  const boxes = (name: string, legend: string, options: { value: string; label: string }[]) => {
    const on = chosen(name);
    return (
      <fieldset aria-describedby={errors?.[name] ? `f-${name}-error` : undefined} className="choices">
        <legend>{legend}</legend>
        {options.map((o) => (
          <label key={o.value} className="check">
            <input type="checkbox" name={name} value={o.value} defaultChecked={on.has(o.value)} /> {o.label}
          </label>
        ))}
        <FieldMessage id={`f-${name}-error`} error={errors?.[name]} />
      </fieldset>
    );
  };
  const preview = outcome?.done === "preview" ? outcome.preview : null;
  const previewLang = values.previewLang ?? lang;
  return (
    <section className="distribute">
      <p>
        <Link to={`/publications/${d.id}`}>← {d.title}</Link>
      </p>
      <h1>{t("title")}</h1>
      <p>{t("intro")}</p>
      {!d.released ? (
        <p className="alert" role="status">
          {t("not_released")}
        </p>
      ) : null}
      {outcome?.done === "tested" ? (
        <p className="notice" role="status">
          {t("tested", { email: outcome.email })}
        </p>
      ) : null}
      {/* A plain form post: previews, tests and sends work without JavaScript. */}
      <Form method="post" key={JSON.stringify(values)}>
        <FormErrors failure={failure} />
        <FieldMessage id="f-id-error" error={errors?.id} />
        {boxes("sectors", t("sectors"), SECTORS.map((s) => ({ value: s, label: tc(`sector_${s}`) })))}
        {boxes("regions", t("regions"), REGIONS.map((r) => ({ value: r, label: tp(`region_${r}`) })))}
        {boxes("topics", t("topics"), TOPICS.map((v) => ({ value: v, label: topicLabel(v, lang) })))}
        {boxes("languages", t("languages"), LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] })))}
        {d.dialogues.length ? (
          <div>
            <label htmlFor="f-dialogueIds">{t("dialogues")}</label>
            <p className="hint" id="f-dialogueIds-hint">
              {t("dialogues_hint")}
            </p>
            <select id="f-dialogueIds" name="dialogueIds" multiple size={Math.min(6, d.dialogues.length)} defaultValue={[...chosen("dialogueIds")]}
              aria-describedby={`f-dialogueIds-hint${errors?.dialogueIds ? " f-dialogueIds-error" : ""}`} aria-invalid={errors?.dialogueIds ? true : undefined}>
              {d.dialogues.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.title}
                </option>
              ))}
            </select>
            <FieldMessage id="f-dialogueIds-error" error={errors?.dialogueIds} />
          </div>
        ) : (
          <FieldMessage id="f-dialogueIds-error" error={errors?.dialogueIds} />
        )}
        <label className="check">
          <input type="checkbox" name="includeSubscribers" defaultChecked={values.includeSubscribers === "on"} aria-describedby="f-includeSubscribers-hint" />{" "}
          {t("include_subscribers")}
        </label>
        <p className="hint" id="f-includeSubscribers-hint">
          {t("include_subscribers_hint")}
        </p>
        <div>
          <label htmlFor="f-previewLang">{t("preview_language")}</label>
          <select id="f-previewLang" name="previewLang" defaultValue={previewLang}>
            {LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {LANGUAGE_NAMES[l]}
              </option>
            ))}
          </select>
        </div>
        <p className="actions">
          <button type="submit" name="intent" value="preview">
            {t("preview")}
          </button>
          <button type="submit" name="intent" value="test" className="secondary">
            {t("test")}
          </button>
        </p>
        {preview ? (
          <section className="card" aria-labelledby="preview-title">
            <h2 id="preview-title">{t("preview_title")}</h2>
            <p>
              <strong>{t("recipients", { n: preview.recipients })}</strong>
            </p>
            <p>
              {t("subject")}: <strong>{preview.subject}</strong>
            </p>
            {/* The mail's HTML in a sandbox (no script runs, no link leaves this page, no style leaks into it), served
                with a policy of its own so its inline styles show as in the reader's mailbox. */}
            <iframe className="mail-preview" title={t("mail_frame", { language: LANGUAGE_NAMES[preview.lang] })} sandbox="" src={`/publications/${d.id}/distribute/mail?lang=${preview.lang}`} />
            <details>
              <summary>{t("text_part")}</summary>
              <pre lang={preview.lang}>{preview.text}</pre>
            </details>
            {preview.released && preview.recipients > 0 ? (
              <>
                <input type="hidden" name="proof" value={preview.proof} />
                {preview.earlier ? (
                  <>
                    <input type="hidden" name="previous" value={preview.earlier.id} />
                    <p className="alert" role="status">
                      {t("already_sent", { date: new Date(preview.earlier.at).toISOString().slice(0, 16).replace("T", " ") + " UTC", n: preview.earlier.enqueued })}
                    </p>
                    <label className="check">
                      <input type="checkbox" name="again" aria-describedby="f-again-error" /> {t("send_again")}
                    </label>
                    <FieldMessage id="f-again-error" error={errors?.again} />
                  </>
                ) : null}
                <p className="hint" id="send-hint">
                  {t("send_hint")} {t("changed")}
                </p>
                <button type="submit" name="intent" value="send" aria-describedby="send-hint">
                  {t("send", { n: preview.recipients })}
                </button>
              </>
            ) : null}
          </section>
        ) : null}
      </Form>
    </section>
  );
}
