import { listAuditEntries } from "../app/services/audit.server.ts";
import { redactSecrets } from "../app/services/mail-redaction.ts";
import { listOutboxMessages } from "../app/services/outbox-admin.server.ts";
import { builder } from "./builder.ts";
import { connection, PAGE_RULES, counted } from "./connections.ts";
import { OutboxStatus } from "./enums.ts";

type AuditShape = Awaited<ReturnType<typeof listAuditEntries>>["nodes"][number];
type OutboxShape = Awaited<ReturnType<typeof listOutboxMessages>>["nodes"][number];

const AuditActor = builder.objectRef<NonNullable<AuditShape["actor"]>>("AuditActor").implement({
  fields: (t) => ({ id: t.exposeID("id"), name: t.exposeString("name"), email: t.exposeString("email") }),
});

const AuditEntry = builder.objectRef<AuditShape>("AuditEntry").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    action: t.exposeString("action", { description: "Namespaced by domain, e.g. partner.approved; new domains add their own." }),
    actor: t.field({ type: AuditActor, nullable: true, description: "Null for the system or a deleted account.", resolve: (e) => e.actor }),
    targetType: t.exposeString("targetType"),
    targetId: t.exposeID("targetId"),
    data: t.string({ nullable: true, description: "Details as JSON text.", resolve: (e) => (e.data == null ? null : JSON.stringify(e.data)) }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

const OutboxMessage = builder.objectRef<OutboxShape>("OutboxMessage").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    to: t.exposeString("toAddress"),
    // Staff read mail without its link keys (sign-in, subscription, calendar…), wherever they see it.
    subject: t.string({ resolve: (m) => redactSecrets(m.subject) }),
    status: t.expose("status", { type: OutboxStatus }),
    attempts: t.exposeInt("attempts"),
    lastError: t.string({ nullable: true, resolve: (m) => (m.lastError === null ? null : redactSecrets(m.lastError)) }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    nextAttemptAt: t.expose("nextAttemptAt", { type: "DateTime" }),
    sentAt: t.expose("sentAt", { type: "DateTime", nullable: true }),
  }),
});

const AuditFilter = builder.inputType("AuditEntryFilter", {
  fields: (t) => ({
    action: t.string({ description: "An action (partner.approved), or a domain with its trailing dot (webinar.)." }),
    actorEmail: t.string(),
    targetId: t.id(),
  }),
});

const OutboxFilter = builder.inputType("OutboxMessageFilter", {
  fields: (t) => ({ status: t.field({ type: [OutboxStatus] }), to: t.string({
      description:
        'Recipient, any case: a whole address ("ana@example.org") is that address; "@example.org" that domain, "@exam" the domains starting so; anything else the addresses starting with it ("ana", "ana@ex") and, without an "@", also the domains starting with it ("example"). A part in the middle of an address matches nothing.',
    }) }),
});


builder.queryFields((t) => ({
  auditEntries: t.connection(
    {
      type: AuditEntry,
      args: { filter: t.arg({ type: AuditFilter }) },
      description: `Administrators only. Newest first. Pages of 50 by default, at most 100.`,
      resolve: async (_r, { filter, ...page }, ctx) =>
        connection(await listAuditEntries(ctx.actor, { ...filter, targetId: filter?.targetId == null ? null : String(filter.targetId) }, page)),
    },
    ...counted("AuditEntry"),
  ),
  outboxMessages: t.connection(
    {
      type: OutboxMessage,
      args: { filter: t.arg({ type: OutboxFilter }) },
      description: `Administrators only: mail the hub queued, newest first. ${PAGE_RULES}`,
      resolve: async (_r, { filter, ...page }, ctx) => connection(await listOutboxMessages(ctx.actor, filter ?? {}, page)),
    },
    ...counted("OutboxMessage"),
  ),
}));
