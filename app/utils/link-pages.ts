/**
 * Pages whose URL is a bearer key (preference, unsubscribe, confirmation links): no cache may keep them. The
 * site-wide Referrer-Policy (same-origin) already keeps the key from other sites; no-referrer would go further but
 * makes browsers send `Origin: null` with the pages' own forms, which the cross-origin guard refuses (ADR 0041).
 */
export const LINK_PAGE_HEADERS = { "cache-control": "no-store" } as const;
