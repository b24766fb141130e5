import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { Pager } from "../components/pager.tsx";
import { common } from "../i18n/ui/common.ts";
import { pageArgsFromUrl } from "../schemas/page.ts";
import { formatDateTime } from "../i18n/index.ts";
import { adminUi } from "../i18n/ui/admin.ts";
import { auditActions, listAuditEntries } from "../services/audit.server.ts";
import { orErrorPage } from "../utils/forms.server.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { requireSignedIn } from "../utils/request.server.ts";
import { titled } from "../utils/meta.ts";

export const meta = titled("audit");

const PAGE = 50;

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor } = await requireSignedIn(request);
  const url = new URL(request.url);
  const action = url.searchParams.get("action") ?? "";
  const who = url.searchParams.get("actor") ?? "";
  const [page, actions] = await orErrorPage(
    () => Promise.all([listAuditEntries(actor, { action, actorEmail: who }, pageArgsFromUrl(url, PAGE)), auditActions(actor)]),
    request,
  );
  return {
    action,
    who,
    actions,
    entries: page.nodes.map((e) => ({
      id: e.id,
      at: e.createdAt.toISOString(),
      who: e.actor ? `${e.actor.name} <${e.actor.email}>` : null,
      action: e.action,
      target: `${e.targetType} ${e.targetId}`,
      data: e.data ? JSON.stringify(e.data) : "",
    })),
    pageInfo: page.pageInfo,
    total: await page.totalCount(),
  };
}

export default function Audit() {
  const t = useT(adminUi);
  const tc = useT(common);
  const lang = useLang();
  const { entries, pageInfo, total, action, who, actions } = useLoaderData<typeof loader>();
  return (
    <section>
      <h1>{t("audit_title")}</h1>
      <Form method="get" role="search">
        <label htmlFor="action">{t("action_filter")}</label>
        <select id="action" name="action" defaultValue={action}>
          <option value="">{t("all_actions")}</option>
          {actions.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>{" "}
        <label htmlFor="actor">{t("actor_filter")}</label>
        <input id="actor" name="actor" type="email" defaultValue={who} />{" "}
        <button type="submit">{t("filter")}</button>
      </Form>
      <p className="meta">{tc("total_count", { count: total })}</p>
      <table>
        <thead>
          <tr>
            <th>{t("when")}</th>
            <th>{t("who")}</th>
            <th>{t("what")}</th>
            <th>{t("target")}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id}>
              <td>{formatDateTime(new Date(e.at), lang)}</td>
              <td>{e.who ?? t("system")}</td>
              <td>
                <code>{e.action}</code> <span className="meta">{e.data}</span>
              </td>
              <td>{e.target}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager info={pageInfo} keep={{ action, actor: who }} />
    </section>
  );
}
