import type { OutboxMessage } from "../app/generated/prisma/client.ts";
import type { Client } from "../app/utils/db.server.ts";
import { compileBody, PLACEHOLDER, placeholderValue, type CompiledBody } from "./mime.ts";

/** What a worker sends for one outbox row: its own subject and parts, or a shared body merged with its data. */
export interface MessageContent {
  subject: string;
  html: string;
  text: string;
}

type Body = MessageContent & { compiled?: CompiledBody };

/** Fills `{{name}}` placeholders (mime.ts `placeholderValue`: HTML values escaped, unknown names empty). */
export function merge(template: string, data: Record<string, string>, html: boolean) {
  return template.replace(PLACEHOLDER, (_, name: string) => placeholderValue(data, name, html));
}

/**
 * Shared bodies of the batches a worker sends, read once per worker: a digest of 100,000 readers has a few
 * hundred distinct bodies at most. Bounded, so a long-running worker does not grow without limit.
 */
export class BodyCache {
  private bodies = new Map<string, Body>();
  constructor(private readonly limit = 2000) {}

  async load(db: Client, messages: Pick<OutboxMessage, "bodyId">[]) {
    const missing = [...new Set(messages.map((m) => m.bodyId).filter((id): id is string => !!id && !this.bodies.has(id)))];
    if (!missing.length) return;
    if (this.bodies.size + missing.length > this.limit) this.bodies.clear();
    const rows = await db.mailBody.findMany({ where: { id: { in: missing } }, select: { id: true, subject: true, html: true, text: true } });
    for (const row of rows) this.bodies.set(row.id, row);
  }

  /** The body split and encoded for raw MIME (mime.ts), once per body. Call after load(). */
  compiled(bodyId: string): CompiledBody {
    const body = this.bodies.get(bodyId);
    if (!body) throw new Error(`Mail body ${bodyId} is missing`);
    return (body.compiled ??= compileBody(body));
  }

  /** Call after load() for the same messages. */
  content(message: Pick<OutboxMessage, "bodyId" | "mergeData" | "subject" | "html" | "text">): MessageContent {
    if (!message.bodyId) return { subject: message.subject, html: message.html, text: message.text };
    const body = this.bodies.get(message.bodyId);
    if (!body) throw new Error(`Mail body ${message.bodyId} is missing`);
    const data = (message.mergeData ?? {}) as Record<string, string>;
    return { subject: merge(body.subject, data, false), html: merge(body.html, data, true), text: merge(body.text, data, false) };
  }
}

/** For readers of a single row (admin views, the CLI): the content as the recipient gets it. */
export async function contentOf(db: Client, message: Pick<OutboxMessage, "bodyId" | "mergeData" | "subject" | "html" | "text">) {
  const cache = new BodyCache(1);
  await cache.load(db, [message]);
  return cache.content(message);
}
