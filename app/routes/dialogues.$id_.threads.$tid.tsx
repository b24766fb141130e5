import { redirect, type ActionFunctionArgs, type HeadersFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ChathamHouseBanner } from "../components/dialogue-banner.tsx";
import { DialoguePostFields } from "../components/dialogue-post-fields.tsx";
import { FormErrors } from "../components/fields.tsx";
import { formatDateTime } from "../i18n/index.ts";
import { dialoguesUi } from "../i18n/ui/dialogues.ts";
import { pageArgsFromUrl } from "../schemas/page.ts";
import { pickText } from "../services/dialogues/access.server.ts";
import { editPost, listPosts, postInThread, postRevisions, readableThread } from "../services/dialogues/threads.server.ts";
import { PostEditForm, PostHistory } from "../components/dialogue-post-edit.tsx";
import { notFound } from "../services/errors.ts";
import { can } from "../services/policy.server.ts";
import { isFailure, orErrorPage, runForm } from "../utils/forms.server.ts";
import { useLang, useT } from "../utils/i18n.ts";
import { requireSignedIn } from "../utils/request.server.ts";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.thread.title ?? "Thread"} · GenMig Hub` }, { name: "robots", content: "noindex" }];
export const headers: HeadersFunction = () => ({ "cache-control": "private, no-store" });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, lang } = await requireSignedIn(request);
  const thread = await orErrorPage(async () => {
    const th = await readableThread(actor, params.tid!);
    // A thread id under another dialogue's address is not found either.
    if (th.dialogueId !== params.id) throw notFound();
    return th;
  }, request);
  const posts = await listPosts(actor, thread, pageArgsFromUrl(new URL(request.url), 50));
  const d = thread.dialogue;
  const history = await postRevisions(actor, d, posts.nodes.filter((p) => p.editedAt).map((p) => p.id));
  return {
    dialogue: { id: d.id, title: pickText(d, lang).title, chathamHouse: d.chathamHouse },
    thread: { id: thread.id, title: thread.title },
    posts: posts.nodes.map((p) => ({
      ...p,
      createdAt: p.createdAt.toISOString(),
      editedAt: p.editedAt?.toISOString() ?? null,
      canEdit: can(actor, { do: "dialogue.editPost", dialogue: d, post: { authorId: p.isMine ? actor.id : null } }),
      revisions: (history.get(p.id) ?? []).map((r) => ({ id: r.id, body: r.body, writtenAt: r.writtenAt.toISOString() })),
    })),
    showHistory: can(actor, { do: "dialogue.viewHistory", dialogue: d }),
    next: posts.pageInfo.hasNextPage ? posts.pageInfo.endCursor : null,
    canPost: can(actor, { do: "dialogue.post", dialogue: d }),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor } = await requireSignedIn(request);
  const form = Object.fromEntries(await request.formData()) as Record<string, string>;
  return runForm(async () => {
    const th = await readableThread(actor, params.tid!);
    if (th.dialogueId !== params.id) throw notFound();
    if (form.intent === "edit") {
      const edited = await editPost(actor, form.postId ?? "", { body: form.body });
      return redirect(`/dialogues/${params.id}/threads/${th.id}#post-${edited.id}`);
    }
    await postInThread(actor, th.id, { body: form.body, attributable: form.attributable === "on" });
    return redirect(`/dialogues/${params.id}/threads/${th.id}`);
  }, form);
}

export default function ThreadPage() {
  const t = useT(dialoguesUi);
  const lang = useLang();
  const { dialogue: d, thread, posts, next, canPost, showHistory } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = isFailure(result) ? result : null;
  return (
    <section>
      <p>
        <Link to={`/dialogues/${d.id}`}>{d.title}</Link>
      </p>
      <h1>{thread.title}</h1>
      <ChathamHouseBanner on={d.chathamHouse} />
      {posts.map((p) => (
        <article key={p.id} data-post={p.id} id={`post-${p.id}`}>
          <p className="hint">
            <span data-author>{p.isMine ? t("you") : p.author ? `${p.author.name}${p.author.affiliation.length ? ` (${p.author.affiliation.join(", ")})` : ""}` : p.formerMember ? t("former_member") : t("anonymous_author")}</span>
            {" · "}
            {formatDateTime(new Date(p.createdAt), lang)}
            {p.editedAt ? ` · ${t("edited")}` : ""}
          </p>
          {/* Rendered by app/services/dialogues/markdown.ts, which escapes everything it does not build itself. */}
          <div dangerouslySetInnerHTML={{ __html: p.html }} />
          {showHistory && p.editedAt ? <PostHistory revisions={p.revisions} /> : null}
          {p.canEdit ? <PostEditForm postId={p.id} body={failure?.values?.postId === p.id ? String(failure.values.body ?? "") : p.body} failure={failure?.values?.postId === p.id ? failure : null} /> : null}
        </article>
      ))}
      {next ? <Link to={`?after=${encodeURIComponent(next)}`}>→</Link> : null}
      {canPost ? (
        <Form method="post">
          <h2>{t("reply")}</h2>
          <FormErrors failure={failure} />
          <DialoguePostFields failure={failure?.values?.intent === "edit" ? null : failure} body={(failure?.values as Record<string, string> | undefined)?.body} chathamHouse={d.chathamHouse} />
        </Form>
      ) : null}
    </section>
  );
}
