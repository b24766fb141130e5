import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { PublicationForm } from "../components/publication-form.tsx";
import { translator } from "../i18n/index.ts";
import { publicationsUi } from "../i18n/ui/publications.ts";
import { authorize } from "../services/policy.server.ts";
import { formChoices, formValues, publicationFromForm } from "../services/publications/form.server.ts";
import { createPublication } from "../services/publications/publications.server.ts";
import { isFailure, orErrorPage, runForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.ts";
import { langOf, pageTitle } from "../utils/meta.ts";
import { requireSignedIn } from "../utils/request.server.ts";

export const meta: MetaFunction = ({ matches }) => {
  const lang = langOf(matches);
  return [{ title: pageTitle(lang, { text: translator(publicationsUi, lang)("new_title") }) }, { name: "robots", content: "noindex" }];
};

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor, lang } = await requireSignedIn(request);
  await orErrorPage(async () => authorize(actor, { do: "publication.manage" }), request);
  return { choices: await formChoices(actor, lang) };
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireSignedIn(request);
  const form = await request.formData();
  return runForm(async () => {
    const p = await createPublication(actor, publicationFromForm(form));
    return redirect(`/publications/${p.id}/edit`);
  }, formValues(form));
}

export default function NewPublication() {
  const t = useT(publicationsUi);
  const { choices } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = isFailure(result) ? result : null;
  return (
    <section>
      <h1>{t("new_title")}</h1>
      <PublicationForm values={failure?.values ?? {}} failure={failure} choices={choices} submit={t("create")} />
    </section>
  );
}
