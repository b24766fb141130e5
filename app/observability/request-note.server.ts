import { AsyncLocalStorage } from "node:async_hooks";

/** What the request log line says about a request beyond method, status and duration. */
export interface RequestNote {
  /** The route pattern (/r/:token), never the raw path. */
  route?: string;
  /** The signed-in person's id, once the request has been resolved to one. */
  userId?: string;
}

// The server bundle and the Remix build are separate bundles: both must reach the same store.
const KEY = Symbol.for("genmig.requestNote");
type G = typeof globalThis & { [KEY]?: AsyncLocalStorage<RequestNote> };
const store = ((globalThis as G)[KEY] ??= new AsyncLocalStorage<RequestNote>());

export function withRequestNote<T>(note: RequestNote, fn: () => T): T {
  return store.run(note, fn);
}

/** Called where the caller is resolved (session or API token): the id goes to the request's log line. */
export function noteUser(userId: string) {
  const note = store.getStore();
  if (note) note.userId = userId;
}

export function noteRoute(route: string) {
  const note = store.getStore();
  if (note) note.route = route;
}
