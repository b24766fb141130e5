import { handleRequest } from "../../app/http/handler.server.ts";

/** The server's front door, in-process, for tests that build raw requests. */
export const app = async () => handleRequest;

/** A browser-like client: keeps cookies, sends forms, never follows redirects (tests assert them). */
export class Client {
  cookies = new Map<string, string>();
  constructor(
    readonly ip = "203.0.113.7",
    readonly headers: Record<string, string> = {},
  ) {}

  async fetch(pathname: string, init: RequestInit = {}) {
    const headers = new Headers({ ...this.headers, ...(init.headers as Record<string, string> | undefined) });
    // Like a browser, which sends Origin on every POST; tests of foreign origins override it.
    if (init.method && init.method !== "GET" && init.method !== "HEAD" && !headers.has("origin")) headers.set("origin", "http://hub.test");
    if (!headers.has("host")) headers.set("host", "hub.test");
    if (this.cookies.size) headers.set("cookie", [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "));
    // The server's own front door (yoga for /graphql, the real Remix build for the rest), in-process.
    const response = await handleRequest(new Request(`http://hub.test${pathname}`, { ...init, headers }), { ip: this.ip });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(";");
      const [name, ...value] = pair.split("=");
      if (/max-age=0/i.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value.join("="));
    }
    return response;
  }

  get(pathname: string) {
    return this.fetch(pathname);
  }

  post(pathname: string, fields: Record<string, string | string[]>) {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const item of [v].flat()) body.append(k, item);
    return this.fetch(pathname, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } });
  }

  async graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string) {
    const response = await this.fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json, application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string; fields?: Record<string, string> } }[] };
    return { status: response.status, ...body };
  }
}
