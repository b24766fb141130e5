import type { Prisma } from "../../generated/prisma/client.ts";
import { prisma, type Client } from "../../utils/db.server.ts";
import { notFound } from "../errors.ts";
import { can, type Actor } from "../policy.server.ts";
import type { DialogueRef, DialogueRole } from "./policy.ts";

/** What every dialogue use case loads: the dialogue, its texts, and the asking person's membership. */
export const dialogueInclude = (actor: Actor) =>
  ({
    translations: { orderBy: { language: "asc" } },
    // A user id that matches no one when anonymous, so the shape stays the same.
    members: { where: { userId: actor.kind === "user" ? actor.id : "-" }, select: { role: true } },
  }) satisfies Prisma.DialogueInclude;

type Loaded = Prisma.DialogueGetPayload<{ include: ReturnType<typeof dialogueInclude> }>;
export type DialogueView = Omit<Loaded, "members"> & DialogueRef;

export const toView = ({ members, ...d }: Loaded): DialogueView => ({ ...d, viewerRole: (members[0]?.role as DialogueRole | undefined) ?? null });

/**
 * The dialogue as this actor may know it, or NOT_FOUND — the same answer for a missing id and for one the
 * actor may not know exists, so ids cannot be probed.
 */
export async function visibleDialogue(actor: Actor, id: string, db: Client = prisma()): Promise<DialogueView> {
  const row = actor.kind === "user" ? await db.dialogue.findUnique({ where: { id }, include: dialogueInclude(actor) }) : null;
  const view = row && toView(row);
  if (!view || !can(actor, { do: "dialogue.see", dialogue: view })) throw notFound();
  return view;
}

/** For content (threads, posts): a listed private dialogue is still NOT_FOUND to non-members. */
export async function readableDialogue(actor: Actor, id: string, db: Client = prisma()): Promise<DialogueView> {
  const view = await visibleDialogue(actor, id, db);
  if (!can(actor, { do: "dialogue.read", dialogue: view })) throw notFound();
  return view;
}

/** The translation in the reader's language, else English, else the first one written. */
export function pickText(d: { translations: { language: string; title: string; description: string }[] }, lang: string) {
  const want = lang.toUpperCase();
  return d.translations.find((t) => t.language === want) ?? d.translations.find((t) => t.language === "EN") ?? d.translations[0];
}
