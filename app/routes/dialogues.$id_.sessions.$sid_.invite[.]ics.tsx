import type { LoaderFunctionArgs } from "@remix-run/node";
import { AppError } from "../services/errors.ts";
import { sessionDownload } from "../services/dialogues/sessions.server.ts";
import { pageContext } from "../utils/request.server.ts";

// A member's own copy of a session (METHOD:PUBLISH, same UID and SEQUENCE as the emailed invites, no attendee).
// Anyone the policy refuses — anonymous included — gets the same bare 404 as for a session that does not exist.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, lang } = await pageContext(request);
  let ics: string;
  try {
    ics = await sessionDownload(actor, params.id!, params.sid!, lang);
  } catch (error) {
    if (error instanceof AppError) throw new Response("Not found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "private, no-store" } });
    throw error;
  }
  return new Response(ics, {
    headers: {
      "content-type": "text/calendar; charset=utf-8; method=PUBLISH",
      "content-disposition": 'attachment; filename="session.ics"',
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
