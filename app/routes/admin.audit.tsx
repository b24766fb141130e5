import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { Pager } from "../components/pager.tsx";
import { common } from "../i18n/ui/common.ts";
import { pageArgsFromUrl } from "../schemas/page.ts";
import { formatDateTime } from "../i18n/index.ts";
import { adminUi } from "../i18n/ui/admin.ts";
import { auditActions, listAuditEntries, readableAuditEntries } from "../services/audit.server.ts";
import { auditUi } from "../i18n/ui/audit.ts";
import { orErrorPage } from "../utils/forms.server.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { requireSignedIn } from "../utils/request.server.ts";
import { titled } from "../utils/meta.ts";
import { readerZone } from "../utils/reader-zone.server.ts";

export const meta = titled("audit");

const PAGE = 50;

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor, lang } = await requireSignedIn(request);
  const url = new URL(request.url);
  const action = url.searchParams.get("action") ?? "";
  const who = url.searchParams.get("actor") ?? "";
  const [page, actions] = await orErrorPage(
    () => Promise.all([listAuditEntries(actor, { action, actorEmail: who }, pageArgsFromUrl(url, PAGE)), auditActions(actor)]),
    request,
  );
  return {
    zone: await readerZone(request, actor),
    action,
    who,
    actions,
    entries: (await readableAuditEntries(actor, page.nodes, lang)).map((e) => ({ ...e, at: e.at.toISOString() })),
    pageInfo: page.pageInfo,
    total: await page.totalCount(),
  };
}

export default function Audit() {
  const t = useT(adminUi);
  const tc = useT(common);
  const ta = useT(auditUi);
  const lang = useLang();
  const { entries, pageInfo, total, action, who, actions, zone } = useLoaderData<typeof loader>();
  const known = (key: string): key is keyof typeof auditUi.en => key in auditUi.en;
  const label = (a: string) => (known(a) ? ta(a) : null);
  return (
    <section>
      <h1>{t("audit_title")}</h1>
      <Form method="get" role="search" className="filters">
        <label htmlFor="action">{t("action_filter")}</label>
        <select id="action" name="action" defaultValue={action}>
          <option value="">{t("all_actions")}</option>
          {actions.map((a) => (
            <option key={a} value={a}>
              {label(a) ?? a}
            </option>
          ))}
        </select>{" "}
        <label htmlFor="actor">{t("actor_filter")}</label>
        <input id="actor" name="actor" type="email" defaultValue={who} />{" "}
        <button type="submit">{t("filter")}</button>
      </Form>
      <p className="meta">{tc("total_count", { count: total })}</p>
      <table className="audit">
        <thead>
          <tr>
            <th scope="col">{t("when")}</th>
            <th scope="col">{t("who")}</th>
            <th scope="col">{t("what")}</th>
            <th scope="col">{t("target")}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id}>
              <td data-label={t("when")}>{formatDateTime(new Date(e.at), lang, zone)}</td>
              <td data-label={t("who")}>
                {e.who ?? t("system")}
                {e.whoEmail ? <div className="meta">{e.whoEmail}</div> : null}
              </td>
              <td data-label={t("what")}>
                {label(e.action) ?? <code>{e.action}</code>}
                {e.details.length ? (
                  <ul className="meta plain">
                    {e.details.map((d) => (
                      <li key={d.key}>
                        {known(d.key) ? ta(d.key) : d.key}
                        {ta("colon")}
                        {d.href ? <a href={d.href}>{d.value}</a> : d.key === "role" ? (label(`role_${d.value}`) ?? d.value) : d.value}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </td>
              <td data-label={t("target")}>{e.target.href ? <a href={e.target.href}>{e.target.label}</a> : e.target.label === e.target.type ? (label(`target_${e.target.type}`) ?? e.target.label) : e.target.label}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager info={pageInfo} keep={{ action, actor: who }} />
    </section>
  );
}
