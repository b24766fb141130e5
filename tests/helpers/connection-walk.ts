// Walks a Relay-style list page by page, forwards by `after` or backwards by `before`, and returns every id in
// list order: what a client paging the whole list would see.

export type Page = { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null; startCursor: string | null } };

export async function walkForward(list: (page: { first: number; after?: string }) => Promise<Page>, size: number) {
  const ids: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await list({ first: size, ...(after ? { after } : {}) });
    ids.push(...page.nodes.map((n) => n.id));
    if (!page.pageInfo.hasNextPage) return ids;
    after = page.pageInfo.endCursor!;
  }
}

export async function walkBackward(list: (page: { last: number; before?: string }) => Promise<Page>, size: number) {
  const ids: string[] = [];
  let before: string | undefined;
  for (;;) {
    const page = await list({ last: size, ...(before ? { before } : {}) });
    ids.unshift(...page.nodes.map((n) => n.id));
    if (!page.pageInfo.hasPreviousPage) return ids;
    before = page.pageInfo.startCursor!;
  }
}
