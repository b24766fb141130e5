import type { SignedInActor } from "../policy.server.ts";
import { pickText } from "./access.server.ts";
import { listDialogues } from "./dialogues.server.ts";

/** "My dialogues" on the home page and the account page: the ones the person belongs to, newest first. */
export async function myDialogues(actor: SignedInActor, lang: string, first = 10) {
  const page = await listDialogues(actor, { mine: true }, { first });
  return {
    items: page.nodes.map((d) => ({ id: d.id, title: pickText(d, lang).title, role: d.viewerRole, chathamHouse: d.chathamHouse })),
    more: page.pageInfo.hasNextPage,
  };
}
export type MyDialogues = Awaited<ReturnType<typeof myDialogues>>;
