import { registrationCounts, type RegistrationCounts } from "../app/services/webinar-registrations.server.ts";

/**
 * Collects every webinar id asked for in the same tick and answers them with one grouped query: a page of
 * 50 webinars asking for their counts costs one statement, not 50. One batcher per request (keyed by its context).
 */
function batcher<K, V>(load: (keys: readonly K[]) => Promise<Map<K, V>>) {
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
