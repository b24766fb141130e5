import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Field, FormErrors } from "../components/fields.tsx";
import { insightsUi } from "../i18n/ui/insights.ts";
import { setStatisticsGrant, statisticsHolders } from "../services/insights/grants.server.ts";
import { can } from "../services/policy.server.ts";
import { isFailure, runForm } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.ts";
import { pageContext } from "../utils/request.server.ts";
import { titled } from "../utils/meta.ts";

export const meta = titled("insights");

/** Administrators give research-team accounts the statistics grant; 404 for anyone else. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await pageContext(request);
  if (!can(actor, { do: "statistics.grant" })) throw new Response(null, { status: 404 });
  return { holders: await statisticsHolders(actor) };
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await pageContext(request);
  if (!can(actor, { do: "statistics.grant" })) throw new Response(null, { status: 404 });
  const form = Object.fromEntries(await request.formData()) as Record<string, string>;
  return runForm(async () => {
    const done = await setStatisticsGrant(actor, form.email ?? "", form.intent !== "revoke");
    return { ok: true as const, notice: done.statistics ? ("granted" as const) : ("revoked" as const) };
  }, form);
}

export default function StatisticsGrant() {
  const t = useT(insightsUi);
  const { holders } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = isFailure(result) ? result : null;
  return (
    <section>
      <h1>{t("grant_title")}</h1>
      <p className="hint">{t("grant_hint")}</p>
      <FormErrors failure={failure} />
      {result && !isFailure(result) ? (
        <p className="notice" role="status">
          {t(result.notice)}
        </p>
      ) : null}
      <Form method="post">
        <Field name="email" label={t("grant_email")} errors={failure?.fieldErrors}>
          {(a) => <input {...a} type="email" required defaultValue={failure?.values?.email} />}
        </Field>
        <p>
          <button type="submit" name="intent" value="grant">
            {t("grant")}
          </button>{" "}
          <button type="submit" name="intent" value="revoke" className="secondary">
            {t("revoke")}
          </button>
        </p>
      </Form>
      <h2>{t("holders")}</h2>
      <ul>
        {holders.map((h) => (
          <li key={h.email}>
            {h.name} &lt;{h.email}&gt;
          </li>
        ))}
      </ul>
    </section>
  );
}
