import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors } from "../components/fields.tsx";
import { DigestCta } from "../components/digest-cta.tsx";
import { InLanguage } from "../components/in-language.tsx";
import { fromDbLanguage, isLang, LANGUAGE_NAMES, type Lang } from "../i18n/index.ts";
import { distributionUi } from "../i18n/ui/distribution.ts";
import { publicationsUi } from "../i18n/ui/publications.ts";
import { topicLabel, type TopicValue } from "../schemas/topics.ts";
import { AppError } from "../services/errors.ts";
import { can } from "../services/policy.server.ts";
import { isReleased, pickTranslation } from "../services/publications/audience.ts";
import { getPublication, publishPublication, unpublishPublication } from "../services/publications/publications.server.ts";
import { formatBytes, formatDate } from "../services/publications/view.ts";
import { getWebinar, webinarText } from "../services/webinars.server.ts";
import { isFailure, orErrorPage, runForm } from "../utils/forms.server.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { withPreview } from "../utils/meta.ts";
import { pageContext, requireSignedIn } from "../utils/request.server.ts";

export const meta: MetaFunction<typeof loader> = (args) =>
  withPreview(args, args.data ? { title: args.data.title, description: args.data.summary, type: "article" } : null, "not_found");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, lang } = await pageContext(request);
  const p = await orErrorPage(() => getPublication(actor, params.id!), request);
  // ?lang= picks a version explicitly (the language links); otherwise the reader's language, else English.
  const asked = new URL(request.url).searchParams.get("lang");
  const wanted: Lang = isLang(asked) ? asked : lang;
  const { translation: v, fallback } = pickTranslation(p.translations, wanted)!;
  const webinar = p.webinarId ? await getWebinar(actor, p.webinarId).catch((e) => (e instanceof AppError ? null : Promise.reject(e))) : null;
  const staff = can(actor, { do: "publication.manage" });
  const canSend = can(actor, { do: "send.manage" });
  return {
    id: p.id,
    type: p.type,
    title: v.title,
    summary: v.summary,
    html: v.html,
    textLang: fromDbLanguage(v.language)!,
    wanted,
    fallback,
    pdf: v.pdfKey && v.pdfSize ? { href: `/publications/${p.id}/${v.language.toLowerCase()}.pdf`, size: v.pdfSize } : null,
    versions: p.translations.map((t) => fromDbLanguage(t.language)!),
    authors: p.authors,
    series: p.series,
    topics: p.topics,
    regions: p.regions,
    publishedAt: p.publishedAt?.toISOString() ?? null,
    released: isReleased(p),
    status: p.status,
    doi: p.doi,
    isbn: p.isbn,
    licence: p.licence,
    citation: p.citation,
    audience: p.audience,
    webinar: webinar ? { id: webinar.id, title: webinarText(webinar, lang).title, material: p.webinarMaterial } : null,
    staff,
    canSend,
  };
}

/** Staff: publish now, schedule (embargo) or withdraw. The guard has already checked the Origin (CSRF). */
export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireSignedIn(request);
  const form = Object.fromEntries(await request.formData()) as Record<string, string>;
  return runForm(async () => {
    if (form.intent === "withdraw") await unpublishPublication(actor, params.id!);
    else await publishPublication(actor, params.id!, { at: form.at ? `${form.at}Z`.replace(/Z+$/, "Z") : undefined });
    return redirect(`/publications/${params.id}`);
  }, form);
}

export default function PublicationPage() {
  const t = useT(publicationsUi);
  const td = useT(distributionUi);
  const lang = useLang();
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = isFailure(result) ? result : null;
  const doiUrl = d.doi ? `https://doi.org/${d.doi}` : null;
  return (
    <article>
      <p>
        <Link to="/publications">← {t("all_publications")}</Link>
      </p>
      {!d.released ? (
        <p className="notice" role="status">
          {d.status === "SCHEDULED" && d.publishedAt ? t("is_scheduled", { when: formatDate(d.publishedAt, lang) }) : t("is_draft")}
        </p>
      ) : null}
      <p>
        <span className="badge">{t(`type_${d.type}` as "type_BRIEF")}</span>
        {d.audience !== "PUBLIC" ? <span className="badge">{t(`audience_${d.audience}` as "audience_PUBLIC")}</span> : null}
      </p>
      <InLanguage lang={d.textLang} as="h1" note>
        {d.title}
      </InLanguage>
      {d.versions.length > 1 ? (
        <nav aria-label={t("language")} className="meta">
          {d.versions.map((l, i) => (
            <span key={l}>
              {i ? " · " : ""}
              {l === d.textLang ? (
                <strong lang={l} aria-current="page">
                  {LANGUAGE_NAMES[l]}
                </strong>
              ) : (
                <Link to={`?lang=${l}`} lang={l} hrefLang={l}>
                  {LANGUAGE_NAMES[l]}
                </Link>
              )}
            </span>
          ))}
        </nav>
      ) : null}
      <dl className="facts">
        <dt>{t("authors")}</dt>
        <dd>{d.authors}</dd>
        {d.publishedAt ? (
          <>
            <dt>{t("published")}</dt>
            <dd>{formatDate(d.publishedAt, lang)}</dd>
          </>
        ) : null}
        {d.series ? (
          <>
            <dt>{t("series")}</dt>
            <dd>{d.series}</dd>
          </>
        ) : null}
        {d.topics.length ? (
          <>
            <dt>{t("topics")}</dt>
            <dd>{d.topics.map((x) => topicLabel(x as TopicValue, lang)).join(", ")}</dd>
          </>
        ) : null}
        {d.regions.length ? (
          <>
            <dt>{t("regions")}</dt>
            <dd>{d.regions.map((r) => t(`region_${r}` as "region_GLOBAL")).join(", ")}</dd>
          </>
        ) : null}
        {doiUrl ? (
          <>
            <dt>{t("doi")}</dt>
            <dd>
              <a href={doiUrl}>{d.doi}</a>
            </dd>
          </>
        ) : null}
        {d.isbn ? (
          <>
            <dt>{t("isbn")}</dt>
            <dd>{d.isbn}</dd>
          </>
        ) : null}
        <dt>{t("licence")}</dt>
        <dd>{d.licence}</dd>
        {d.webinar ? (
          <>
            <dt>{t("related_webinar")}</dt>
            <dd>
              <Link to={`/webinars/${d.webinar.id}`}>{d.webinar.title}</Link>
              {d.webinar.material ? ` (${t(`material_${d.webinar.material}` as "material_SLIDES")})` : null}
            </dd>
          </>
        ) : null}
      </dl>
      {d.pdf ? (
        <p>
          <a className="button" href={d.pdf.href} download>
            {t("download_pdf", { size: formatBytes(d.pdf.size, lang) })}
          </a>
        </p>
      ) : null}
      {d.summary ? (
        <InLanguage lang={d.textLang} as="p" className="lede">
          {d.summary}
        </InLanguage>
      ) : null}
      {/* Rendered once when written by the safe Markdown renderer: every input character is escaped. */}
      <div className="rich publication-body" lang={d.textLang} dangerouslySetInnerHTML={{ __html: d.html }} />
      {d.citation ? (
        <section>
          <h2>{t("cite")}</h2>
          <p className="citation">{d.citation}</p>
        </section>
      ) : null}
      <DigestCta />
      {d.staff ? (
        <section className="card">
          <h2>{t("staff_tools")}</h2>
          <FormErrors failure={failure} />
          <p>
            <Link className="button" to={`/publications/${d.id}/edit`}>
              {t("edit")}
            </Link>{" "}
            {d.canSend ? (
              <Link className="button secondary" to={`/publications/${d.id}/distribute`}>
                {td("link")}
              </Link>
            ) : null}
          </p>
          {!d.released ? (
            <Form method="post">
              <label htmlFor="f-at">{t("schedule_at")}</label>
              <p className="hint" id="f-at-hint">
                {t("schedule_hint")}
              </p>
              <input id="f-at" type="datetime-local" name="at" aria-describedby="f-at-hint" defaultValue={failure?.values?.at} />
              <button type="submit" name="intent" value="publish">
                {t("publish_now")} / {t("schedule")}
              </button>
            </Form>
          ) : null}
          {d.status !== "DRAFT" ? (
            <Form method="post">
              <button type="submit" name="intent" value="withdraw">
                {t("withdraw")}
              </button>
            </Form>
          ) : null}
        </section>
      ) : null}
    </article>
  );
}
