/** A refusal in the caller's terms: JSON errors with a code for /graphql and JSON clients, else a short text. */
export function refusal(request: Request, status: number, code: string, message: string, extra: Record<string, string> = {}) {
  const wantsJson = new URL(request.url).pathname === "/graphql" || /json/.test(request.headers.get("accept") ?? "");
  const headers = { "cache-control": "no-store", ...extra };
  if (wantsJson) return Response.json({ errors: [{ message, extensions: { code } }] }, { status, headers });
  return new Response(`${status} ${message}\n`, { status, headers: { ...headers, "content-type": "text/plain; charset=utf-8" } });
}
