import type { PageArgs } from "../app/schemas/page.ts";
import type { Actor } from "../app/services/policy.server.ts";
import {
  registrationCounts,
  registrationPagesOf,
  type RegistrationCounts,
  type RegistrationFilter,
} from "../app/services/webinar-registrations.server.ts";

/**
 * Collects every webinar id asked for in the same tick and answers them with one grouped query: a page of
 * 50 webinars asking for their counts costs one statement, not 50. One batcher per request (keyed by its context).
 */
export function batcher<K, V>(load: (keys: readonly K[]) => Promise<Map<K, V>>) {
  let pending: { keys: K[]; result: Promise<Map<K, V>> } | undefined;
  return (key: K): Promise<V> => {
    if (!pending) {
      const batch: { keys: K[]; result?: Promise<Map<K, V>> } = { keys: [] };
      batch.result = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        pending = undefined;
        return load(batch.keys);
      });
      pending = batch as { keys: K[]; result: Promise<Map<K, V>> };
    }
    pending.keys.push(key);
    return pending.result.then((m) => m.get(key)!);
  };
}

const perRequest = new WeakMap<object, (webinarId: string) => Promise<RegistrationCounts>>();

export function countsFor(ctx: object, webinarId: string) {
  let load = perRequest.get(ctx);
  if (!load) perRequest.set(ctx, (load = batcher(registrationCounts)));
  return load(webinarId);
}

type PageOf = Awaited<ReturnType<typeof registrationPagesOf>> extends Map<string, infer P> ? P : never;
const pagesPerRequest = new WeakMap<object, Map<string, (webinarId: string) => Promise<PageOf>>>();

/** A page of registrations for each webinar of a list, fetched together for webinars asking the same page. */
export function registrationPageFor(ctx: { actor: Actor }, webinarId: string, filter: RegistrationFilter, page: PageArgs) {
  let byArgs = pagesPerRequest.get(ctx);
  if (!byArgs) pagesPerRequest.set(ctx, (byArgs = new Map()));
  const key = JSON.stringify([filter, page]);
  let load = byArgs.get(key);
  if (!load) byArgs.set(key, (load = batcher((ids: readonly string[]) => registrationPagesOf(ctx.actor, ids, filter, page))));
  return load(webinarId);
}
