import { exportMyData } from "../app/services/account-export/export.server.ts";
import { builder } from "./builder.ts";

/** Output only: a JSON document (the personal-data export), whose shape is described by its own `format`. */
builder.scalarType("JSON", {
  description: "A JSON value, output only.",
  serialize: (value) => value,
  parseValue: () => {
    throw new TypeError("JSON is output only");
  },
});

builder.queryFields((t) => ({
  myData: t.field({
    type: "JSON",
    description:
      "Everything held about the signed-in person (the same export as /account/data and `npm run cli -- user:export`): profile, memberships, registrations, subscriptions and preferences, own posts and file metadata, requests, consent records, sessions and tokens metadata; no secrets, nobody else's data.",
    resolve: (_r, _a, ctx) => exportMyData(ctx.actor),
  }),
}));
