import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { Field, FormErrors } from "../components/fields.tsx";
import { LANGUAGES, LANGUAGE_NAMES } from "../i18n/index.ts";
import { dialoguesUi } from "../i18n/ui/dialogues.ts";
import { createDialogue } from "../services/dialogues/dialogues.server.ts";
import { authorize } from "../services/policy.server.ts";
import { isFailure, orErrorPage, runForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.ts";
import { requireSignedIn } from "../utils/request.server.ts";

export const meta: MetaFunction = () => [{ title: "New dialogue · GenMig Hub" }, { name: "robots", content: "noindex" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireSignedIn(request);
  await orErrorPage(async () => authorize(actor, { do: "dialogue.create" }), request);
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireSignedIn(request);
  const form = Object.fromEntries(await request.formData()) as Record<string, string>;
  return runForm(async () => {
    // Languages left without a title are not offered; at least one is required by the schema.
    const translations = LANGUAGES.filter((l) => (form[`title_${l}`] ?? "").trim()).map((l) => ({
      language: l,
      title: form[`title_${l}`],
      description: form[`description_${l}`] ?? "",
    }));
    const d = await createDialogue(actor, { translations, visibility: form.visibility, chathamHouse: form.chathamHouse === "on" });
    return redirect(`/dialogues/${d.id}`);
  }, form);
}

export default function NewDialogue() {
  const t = useT(dialoguesUi);
  const result = useActionData<typeof action>();
  const failure = isFailure(result) ? result : null;
  const v = (failure?.values ?? {}) as Record<string, string>;
  return (
    <section>
      <h1>{t("new_title")}</h1>
      <FormErrors failure={failure} />
      <Form method="post">
        {LANGUAGES.map((l) => (
          <fieldset key={l}>
            <legend>{LANGUAGE_NAMES[l]}</legend>
            <Field name={`title_${l}`} label={t("thread_title")} errors={failure?.fieldErrors}>
              {(a) => <input {...a} defaultValue={v[`title_${l}`]} maxLength={200} required={l === "en"} />}
            </Field>
            <Field name={`description_${l}`} label={t("description")} errors={failure?.fieldErrors}>
              {(a) => <textarea {...a} defaultValue={v[`description_${l}`]} rows={3} />}
            </Field>
          </fieldset>
        ))}
        <Field name="visibility" label={t("visibility")} errors={failure?.fieldErrors}>
          {(a) => (
            <select {...a} defaultValue={v.visibility ?? "SECRET"}>
              <option value="SECRET">{t("secret_hint")}</option>
              <option value="PRIVATE">{t("private_hint")}</option>
            </select>
          )}
        </Field>
        <label className="check">
          <input type="checkbox" name="chathamHouse" defaultChecked={v.chathamHouse === "on"} /> {t("chatham_house_choice")}
        </label>
        <button type="submit">{t("create_button")}</button>
      </Form>
    </section>
  );
}
