/**
 * Request guard and security headers of the front door (app/http/handler.server.ts). Pass-through for now: the
 * abuse limits and headers are implemented separately and replace these bodies, keeping these signatures.
 */

/** A rejection to send instead of handling the request, or null to continue. */
export async function guardRequest(_request: Request, _ctx: { ip?: string }): Promise<Response | null> {
  return null;
}

/** Applied to every response the front door sends, cached ones included. */
export function withSecurityHeaders(_request: Request, response: Response): Response {
  return response;
}
