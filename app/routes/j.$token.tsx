import { data, redirect, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { journeysUi } from "../i18n/ui/journeys.ts";
import { joinTarget } from "../services/webinar-registrations.server.ts";
import { useT } from "../utils/i18n.ts";

export const meta: MetaFunction = () => [{ title: "GenMig Hub" }, { name: "robots", content: "noindex" }];

const PRIVATE = { "cache-control": "no-store", "referrer-policy": "no-referrer" };

// Per-registrant join link: the real meeting URL never appears in an email, an invite or a page. A link whose
// webinar was cancelled (or is over) explains itself instead of answering a bare 404.
export async function loader({ params }: LoaderFunctionArgs) {
  const target = await joinTarget(params.token ?? "");
  if (!target) throw new Response(null, { status: 404 });
  if (target.kind === "join") return redirect(target.url, { headers: PRIVATE });
  return data(target, { status: 410, headers: PRIVATE });
}

export default function JoinClosed() {
  const t = useT(journeysUi);
  const r = useLoaderData<typeof loader>();
  const cancelled = r.kind === "cancelled";
  return (
    <section>
      <h1>{t(cancelled ? "j_cancelled_title" : "j_closed_title")}</h1>
      <p>{t(cancelled ? "j_cancelled_body" : "j_closed_body")}</p>
      {cancelled && r.reason ? <p className="alert">{r.reason}</p> : null}
      <p>
        <Link to={`/webinars/${r.webinarId}`}>{t("see_webinar")}</Link>
      </p>
    </section>
  );
}
