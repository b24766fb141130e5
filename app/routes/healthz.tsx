/**
 * Liveness: the process answers HTTP. It does not ask the database (that is /readyz): an orchestrator restarting
 * every instance during a database outage would only add to it (ADR 0051).
 */
export function loader() {
  return Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } });
}
