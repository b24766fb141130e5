import type { SubscriptionView } from "../app/services/subscriptions/subscriptions.server.ts";
import {
  confirmSubscription,
  subscribe,
  unsubscribe,
  updateSubscription,
} from "../app/services/subscriptions/subscriptions.server.ts";
import { FREQUENCIES } from "../app/schemas/subscription.ts";
import { builder } from "./builder.ts";
import { Language, toLang, Topic } from "./enums.ts";

export const DigestFrequency = builder.enumType("DigestFrequency", {
  values: FREQUENCIES,
});
const SubscriptionKind = builder.enumType("SubscriptionKind", {
  values: {
    SUBSCRIBER: { description: "A subscriber without an account." },
    PARTNER: { description: "A partner person's digest options." },
  } as const,
});
const SubscriberStatus = builder.enumType("SubscriberStatus", {
  values: ["PENDING", "CONFIRMED", "UNSUBSCRIBED"] as const,
});

// Not named "Subscription": that is GraphQL's root type for subscriptions.
const NewsletterSubscription = builder
  .objectRef<SubscriptionView>("NewsletterSubscription")
  .implement({
    description:
      "What a preference link opens: only its holder (the mailbox owner) ever receives it.",
    fields: (t) => ({
      kind: t.field({ type: SubscriptionKind, resolve: (s) => s.kind }),
      email: t.exposeString("email"),
      language: t.field({
        type: Language,
        resolve: (s) => s.language.toUpperCase() as "EN" | "FR" | "ES",
      }),
      topics: t.field({ type: [Topic], resolve: (s) => s.topics }),
      frequency: t.field({
        type: DigestFrequency,
        resolve: (s) => s.frequency,
      }),
      status: t.field({ type: SubscriberStatus, resolve: (s) => s.status }),
      active: t.exposeBoolean("active"),
      preferenceToken: t.exposeString("preferenceToken", {
        description:
          "The key of /subscription/<token> and /unsubscribe/<token>.",
      }),
    }),
  });

const SubscribeResult = builder
  .objectRef<{ ok: true }>("SubscribeResult")
  .implement({
    description:
      "The same for every valid request, known address or not: the next step is in the mailbox.",
    fields: (t) => ({ ok: t.exposeBoolean("ok") }),
  });

const SubscribeInput = builder.inputType("SubscribeInput", {
  fields: (t) => ({
    email: t.string({ required: true }),
    language: t.field({ type: Language, required: true }),
    topics: t.field({ type: [Topic], required: true }),
    frequency: t.field({ type: DigestFrequency, required: true }),
    consentWordingVersion: t.string({
      description:
        "The consent wording shown to the person; defaults to the current one.",
    }),
  }),
});

const SubscriptionPreferencesInput = builder.inputType(
  "SubscriptionPreferencesInput",
  {
    fields: (t) => ({
      language: t.field({ type: Language }),
      topics: t.field({ type: [Topic] }),
      frequency: t.field({ type: DigestFrequency }),
      resubscribe: t.boolean({
        description:
          "For an unsubscribed entry: mail a fresh confirmation link to the address; nothing changes until it is followed.",
      }),
    }),
  }
);

builder.mutationFields((t) => ({
  subscribe: t.field({
    type: SubscribeResult,
    description:
      "Double opt-in: emails a confirmation link (or, for a confirmed address, its preference link).",
    args: { input: t.arg({ type: SubscribeInput, required: true }) },
    resolve: (_r, { input }, ctx) =>
      subscribe(
        {
          ...input,
          language: toLang(input.language),
          consentWordingVersion: input.consentWordingVersion ?? undefined,
          source: "graphql",
        },
        { ip: ctx.ip }
      ),
  }),
  confirmSubscription: t.field({
    type: NewsletterSubscription,
    description:
      "Follows a confirmation link: once, within SUBSCRIPTION_CONFIRM_HOURS.",
    args: { token: t.arg.string({ required: true }) },
    resolve: (_r, args) => confirmSubscription(args.token),
  }),
  updateSubscription: t.field({
    type: NewsletterSubscription,
    args: {
      token: t.arg.string({ required: true }),
      input: t.arg({ type: SubscriptionPreferencesInput, required: true }),
    },
    description:
      "Changes an active subscription's preferences. Once unsubscribed, a link changes nothing (BAD_USER_INPUT) except to ask for a confirmation mail.",
    resolve: (_r, { token, input }, ctx) =>
      updateSubscription(
        token,
        {
          language: input.language ? toLang(input.language) : undefined,
          topics: input.topics ?? undefined,
          frequency: input.frequency ?? undefined,
          resubscribe: input.resubscribe ?? false,
        },
        { ip: ctx.ip }
      ),
  }),
  unsubscribe: t.field({
    type: NewsletterSubscription,
    args: { token: t.arg.string({ required: true }) },
    resolve: (_r, args) => unsubscribe(args.token),
  }),
}));
