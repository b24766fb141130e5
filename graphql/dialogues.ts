import type { DialogueView } from "../app/services/dialogues/access.server.ts";
import { pickText } from "../app/services/dialogues/access.server.ts";
import {
  createDialogue,
  getDialogue,
  listDialogueInvitations,
  listDialogueMembersOf,
  listDialogues,
  setDialogueClosed,
  updateDialogue,
  type DialogueMemberView,
} from "../app/services/dialogues/dialogues.server.ts";
import { acceptDialogueInvite, inviteToDialogue, revokeDialogueInvite } from "../app/services/dialogues/invitations.server.ts";
import { leaveDialogue, removeDialogueMember } from "../app/services/dialogues/membership.server.ts";
import { revokeReplyAddresses } from "../app/services/dialogues/replies/reply-address.server.ts";
import {
  listPostsOf,
  listThreads,
  postInThread,
  readableThread,
  startThread,
  type PostView,
  type ThreadView,
} from "../app/services/dialogues/threads.server.ts";
import { builder } from "./builder.ts";
import { batcher } from "./loaders.ts";
import { connection, counted, PAGE_RULES } from "./connections.ts";
import { Language, toLang } from "./enums.ts";
import type { PageArgs } from "../app/schemas/page.ts";

// Every object here is built by a dialogue service that already asked the policy; nested fields ask it again.
export const DialogueVisibility = builder.enumType("DialogueVisibility", {
  values: {
    SECRET: { description: "Invisible to everyone but its members and staff." },
    PRIVATE: { description: "Listed to signed-in approved partners; threads and members stay members-only." },
  } as const,
});
export const DialogueRole = builder.enumType("DialogueRole", { values: ["FACILITATOR", "MEMBER"] as const });

type Lang3 = "EN" | "FR" | "ES";

// A page of dialogues asking for their members costs one query, not one per dialogue.
const memberLoaders = new WeakMap<object, (d: DialogueView) => Promise<DialogueMemberView[]>>();
function membersOf(ctx: { actor: Parameters<typeof listDialogueMembersOf>[0] }, dialogue: DialogueView) {
  let load = memberLoaders.get(ctx);
  if (!load) {
    const byId = batcher(async (ds: readonly DialogueView[]) => {
      const found = await listDialogueMembersOf(ctx.actor, ds);
      return new Map(ds.map((d) => [d, found.get(d.id) ?? []]));
    });
    memberLoaders.set(ctx, (load = byId));
  }
  return load(dialogue);
}
// A page of threads asking for their posts costs the same few queries, not one page per thread.
const postLoaders = new WeakMap<object, Map<string, (th: ThreadView) => Promise<PostPage>>>();
type PostPage = Awaited<ReturnType<typeof listPostsOf>> extends Map<string, infer P> ? P : never;
function postsOf(ctx: { actor: Parameters<typeof listPostsOf>[0] }, thread: ThreadView, page: PageArgs) {
  let byArgs = postLoaders.get(ctx);
  if (!byArgs) postLoaders.set(ctx, (byArgs = new Map()));
  const key = JSON.stringify(page);
  let load = byArgs.get(key);
  if (!load) {
    const batch = batcher(async (ths: readonly ThreadView[]) => {
      const found = await listPostsOf(ctx.actor, ths, page);
      return new Map(ths.map((th) => [th, found.get(th.id)!]));
    });
    byArgs.set(key, (load = batch));
  }
  return load(thread);
}
const lang = (actor: { kind: string; language?: string | null }, asked?: Lang3 | null) =>
  asked ?? (actor.kind === "user" ? actor.language ?? "EN" : "EN");

const DialogueTranslation = builder
  .objectRef<{ language: string; title: string; description: string }>("DialogueTranslation")
  .implement({
    fields: (t) => ({
      language: t.field({ type: Language, resolve: (d) => d.language as Lang3 }),
      title: t.exposeString("title"),
      description: t.exposeString("description"),
    }),
  });

export const DialogueAuthor = builder.objectRef<NonNullable<PostView["author"]>>("DialogueAuthor").implement({
  description: "Shown only where the policy allows: never to others under Chatham House unless the post is attributable.",
  fields: (t) => ({ name: t.exposeString("name"), affiliation: t.exposeStringList("affiliation", { description: "Institutions." }) }),
});

const DialogueMember = builder.objectRef<DialogueMemberView>("DialogueMember").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    userId: t.exposeID("userId"),
    role: t.expose("role", { type: DialogueRole }),
    name: t.exposeString("name"),
    affiliation: t.exposeStringList("affiliation"),
    email: t.exposeString("email", { nullable: true, description: "For facilitators and staff only." }),
    joinedAt: t.expose("joinedAt", { type: "DateTime" }),
  }),
});

export const DialogueInvitation = builder
  .objectRef<{
    id: string;
    email: string | null;
    institution?: string | null;
    role: "FACILITATOR" | "MEMBER";
    createdAt: Date;
    expiresAt: Date;
    revokedAt?: Date | null;
    acceptedAt?: Date | null;
  }>("DialogueInvitation")
  .implement({
    description: "Bound to one address; the person becomes a member only when they accept it.",
    fields: (t) => ({
      id: t.exposeID("id"),
      email: t.exposeString("email", {
        nullable: true,
        description: "Null for an invitation to an institution's focal point, unless you may see that institution's people (its own members, the research team).",
      }),
      institution: t.exposeString("institution", { nullable: true, description: "The institution whose focal point was invited, if any." }),
      role: t.expose("role", { type: DialogueRole }),
      createdAt: t.expose("createdAt", { type: "DateTime" }),
      expiresAt: t.expose("expiresAt", { type: "DateTime" }),
      revoked: t.boolean({ resolve: (i) => !!i.revokedAt }),
    }),
  });

export const DialoguePost = builder.objectRef<PostView>("DialoguePost").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    body: t.exposeString("body", { description: "Markdown as written." }),
    html: t.exposeString("html", { description: "Rendered server-side: no raw HTML, links only http(s) and mailto." }),
    attributable: t.exposeBoolean("attributable"),
    isMine: t.exposeBoolean("isMine"),
    author: t.field({ type: DialogueAuthor, nullable: true, resolve: (p) => p.author }),
    formerMember: t.exposeBoolean("formerMember", { description: "The author's account was erased; shown where a name would be." }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    editedAt: t.expose("editedAt", { type: "DateTime", nullable: true }),
  }),
});

const DialogueThread = builder.objectRef<ThreadView>("DialogueThread");
export const Dialogue = builder.objectRef<DialogueView>("Dialogue");

DialogueThread.implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    title: t.exposeString("title"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    lastPostAt: t.expose("lastPostAt", { type: "DateTime" }),
    dialogue: t.field({ type: Dialogue, resolve: (th) => th.dialogue }),
    posts: t.connection(
      { type: DialoguePost, description: `Oldest first. ${PAGE_RULES}`, resolve: async (th, page, ctx) => connection(await postsOf(ctx, th, page)) },
      ...counted("DialoguePost"),
    ),
  }),
});

Dialogue.implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    visibility: t.expose("visibility", { type: DialogueVisibility }),
    chathamHouse: t.exposeBoolean("chathamHouse", { description: "Under the Chatham House Rule no one is named unless they agree." }),
    closedAt: t.expose("closedAt", { type: "DateTime", nullable: true, description: "Set when staff closed the dialogue: readable, but no new posts or documents." }),
    title: t.string({ args: { language: t.arg({ type: Language }) }, resolve: (d, a, ctx) => pickText(d, lang(ctx.actor, a.language)).title }),
    description: t.string({ args: { language: t.arg({ type: Language }) }, resolve: (d, a, ctx) => pickText(d, lang(ctx.actor, a.language)).description }),
    translations: t.field({ type: [DialogueTranslation], resolve: (d) => d.translations }),
    viewerRole: t.field({ type: DialogueRole, nullable: true, description: "Your role, or null when you are not a member.", resolve: (d) => d.viewerRole }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    threads: t.connection(
      {
        type: DialogueThread,
        description: `Members and staff only (empty for others). Most recently active first. ${PAGE_RULES}`,
        resolve: async (d, page, ctx) => connection(await listThreads(ctx.actor, d, page)),
      },
      ...counted("DialogueThread"),
    ),
    members: t.field({
      type: [DialogueMember],
      description: "Facilitators and staff; members too unless the dialogue is under Chatham House. Empty for others.",
      resolve: (d, _a, ctx) => membersOf(ctx, d),
    }),
    invitations: t.field({
      type: [DialogueInvitation],
      description: "Open invitations, for facilitators and staff (empty for others).",
      resolve: (d, _a, ctx) => listDialogueInvitations(ctx.actor, d),
    }),
  }),
});

const DialogueTranslationInput = builder.inputType("DialogueTranslationInput", {
  fields: (t) => ({
    language: t.field({ type: Language, required: true }),
    title: t.string({ required: true }),
    description: t.string(),
  }),
});
const translationsArg = (ts: readonly { language: Lang3; title: string; description?: string | null }[] | null | undefined) =>
  ts?.map((x) => ({ language: toLang(x.language), title: x.title, description: x.description ?? "" }));

const DialogueInput = builder.inputType("DialogueInput", {
  fields: (t) => ({
    translations: t.field({ type: [DialogueTranslationInput], required: true, description: "One per language; English, French and/or Spanish." }),
    visibility: t.field({ type: DialogueVisibility, description: "SECRET by default." }),
    chathamHouse: t.boolean({ description: "false by default." }),
  }),
});
const DialogueUpdateInput = builder.inputType("DialogueUpdateInput", {
  fields: (t) => ({
    translations: t.field({ type: [DialogueTranslationInput], description: "Replaces all translations when given." }),
    visibility: t.field({ type: DialogueVisibility }),
    chathamHouse: t.boolean(),
  }),
});
const StartThreadInput = builder.inputType("StartThreadInput", {
  fields: (t) => ({
    title: t.string({ required: true }),
    body: t.string({ required: true, description: "The first post, in Markdown." }),
    attributable: t.boolean({ description: "Under Chatham House: the author agrees to be named on this post." }),
  }),
});

const DialogueFilter = builder.inputType("DialogueFilter", {
  fields: (t) => ({ mine: t.boolean({ description: "Only dialogues you belong to." }) }),
});

builder.queryFields((t) => ({
  dialogues: t.connection(
    {
      type: Dialogue,
      args: { filter: t.arg({ type: DialogueFilter }) },
      description: `Signed in: your dialogues, and listed private ones for approved partners; staff see all. Newest first. ${PAGE_RULES}`,
      resolve: async (_r, { filter, ...page }, ctx) => connection(await listDialogues(ctx.actor, { mine: filter?.mine ?? false }, page)),
    },
    ...counted("Dialogue"),
  ),
  dialogue: t.field({
    type: Dialogue,
    args: { id: t.arg.id({ required: true }) },
    description: "NOT_FOUND alike for a missing dialogue and one you may not know exists.",
    resolve: (_r, a, ctx) => getDialogue(ctx.actor, String(a.id)),
  }),
  dialogueThread: t.field({
    type: DialogueThread,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, a, ctx) => readableThread(ctx.actor, String(a.id)),
  }),
}));

builder.mutationFields((t) => ({
  createDialogue: t.field({
    type: Dialogue,
    args: { input: t.arg({ type: DialogueInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      createDialogue(ctx.actor, { ...input, translations: translationsArg(input.translations), visibility: input.visibility ?? undefined, chathamHouse: input.chathamHouse ?? undefined }),
  }),
  updateDialogue: t.field({
    type: Dialogue,
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: DialogueUpdateInput, required: true }) },
    resolve: (_r, { id, input }, ctx) =>
      updateDialogue(ctx.actor, String(id), {
        translations: translationsArg(input.translations),
        visibility: input.visibility ?? undefined,
        chathamHouse: input.chathamHouse ?? undefined,
      }),
  }),
  closeDialogue: t.field({
    type: Dialogue,
    description: "Staff close a dialogue (closed: false opens it again). Members keep reading; nobody posts or shares files.",
    args: { id: t.arg.id({ required: true }), closed: t.arg.boolean({ defaultValue: true }) },
    resolve: (_r, a, ctx) => setDialogueClosed(ctx.actor, String(a.id), a.closed ?? true),
  }),
  inviteToDialogue: t.field({
    type: DialogueInvitation,
    description: "Inviting an address again revokes its open invitation and sends a fresh link.",
    args: { dialogueId: t.arg.id({ required: true }), email: t.arg.string({ required: true }), role: t.arg({ type: DialogueRole, defaultValue: "MEMBER" }) },
    resolve: (_r, a, ctx) => inviteToDialogue(ctx.actor, String(a.dialogueId), { email: a.email, role: a.role ?? "MEMBER" }),
  }),
  revokeDialogueInvite: t.field({
    type: DialogueInvitation,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, a, ctx) => revokeDialogueInvite(ctx.actor, String(a.id)),
  }),
  acceptDialogueInvite: t.field({
    type: Dialogue,
    description: "For a caller signed in as the invited address (the emailed page signs a browser in instead).",
    args: { token: t.arg.string({ required: true }) },
    resolve: async (_r, a, ctx) => {
      const accepted = await acceptDialogueInvite({ token: a.token, actor: ctx.actor, ip: ctx.ip });
      return getDialogue(ctx.actor, accepted.dialogueId);
    },
  }),
  revokeMyReplyAddresses: t.boolean({
    description: "Voids every dialogue reply address (reply+…@) you were sent so far; later notices carry new ones.",
    resolve: (_r, _a, ctx) => revokeReplyAddresses(ctx.actor),
  }),
  leaveDialogue: t.boolean({ args: { id: t.arg.id({ required: true }) }, resolve: (_r, a, ctx) => leaveDialogue(ctx.actor, String(a.id)) }),
  removeDialogueMember: t.field({
    type: Dialogue,
    args: { dialogueId: t.arg.id({ required: true }), userId: t.arg.id({ required: true }) },
    resolve: (_r, a, ctx) => removeDialogueMember(ctx.actor, String(a.dialogueId), String(a.userId)),
  }),
  startThread: t.field({
    type: DialogueThread,
    args: { dialogueId: t.arg.id({ required: true }), input: t.arg({ type: StartThreadInput, required: true }) },
    resolve: (_r, { dialogueId, input }, ctx) =>
      startThread(ctx.actor, String(dialogueId), { ...input, attributable: input.attributable ?? false }),
  }),
  postInThread: t.field({
    type: DialoguePost,
    args: { threadId: t.arg.id({ required: true }), body: t.arg.string({ required: true }), attributable: t.arg.boolean() },
    resolve: (_r, a, ctx) => postInThread(ctx.actor, String(a.threadId), { body: a.body, attributable: a.attributable ?? false }),
  }),
}));
