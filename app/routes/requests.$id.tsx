import { redirect, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { RequestDetails } from "../components/request-details.tsx";
import { requestsUi } from "../i18n/ui/requests.ts";
import { can } from "../services/policy.server.ts";
import { requestPageView } from "../services/requests/page-view.ts";
import { conversationOf, getSupportRequest } from "../services/requests/requests.server.ts";
import { orErrorPage } from "../utils/forms.server.ts";
import { useT } from "../utils/i18n.ts";
import { langOf, pageTitle } from "../utils/meta.ts";
import { requireSignedIn } from "../utils/request.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  { title: pageTitle(langOf(matches), { text: data?.request.label ?? "" }) },
  { name: "robots", content: "noindex" },
];
export const headers: HeadersFunction = () => ({ "cache-control": "private, no-store" });

/** The requester's view (any person of the institution): never staff notes, assignee or addresses. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, lang } = await requireSignedIn(request);
  const r = await orErrorPage(() => getSupportRequest(actor, params.id!), request);
  // The research team works the request on its own page (notes, status, messages).
  if (can(actor, { do: "supportRequest.manage" })) throw redirect(`/admin/requests/${r.id}`);
  const view = requestPageView(r, { ...(await conversationOf(actor, r)), notes: null }, lang, { staff: false });
  return { request: view, sent: new URL(request.url).searchParams.has("sent") };
}

export default function RequestPage() {
  const t = useT(requestsUi);
  const { request: r, sent } = useLoaderData<typeof loader>();
  return (
    <section>
      <h1>{r.label}</h1>
      {sent ? (
        <p className="notice" role="status">
          {t("sent")}
        </p>
      ) : null}
      <RequestDetails r={r} />
      <p>
        <Link to="/account#requests">{t("my_requests")}</Link>
      </p>
    </section>
  );
}
