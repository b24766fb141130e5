/**
 * Pages whose URL is a bearer key (preference, unsubscribe, confirmation links): no cache may keep them, and
 * the key must not leave in a Referer header when the reader follows a link from them.
 */
export const LINK_PAGE_HEADERS = { "cache-control": "no-store", "referrer-policy": "no-referrer" } as const;
