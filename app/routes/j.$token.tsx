import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { joinTarget } from "../services/webinar-registrations.server.ts";

// Per-registrant join link: the real meeting URL never appears in an email, an invite or a page.
export async function loader({ params }: LoaderFunctionArgs) {
  const target = await joinTarget(params.token ?? "");
  if (!target) throw new Response(null, { status: 404 });
  return redirect(target, { headers: { "cache-control": "no-store", "referrer-policy": "no-referrer" } });
}
