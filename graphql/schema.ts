import { lexicographicSortSchema, printSchema } from "graphql";
import { builder } from "./builder.ts";
import "./auth.ts";
import "./partners.ts";
import "./webinars.ts";
import "./staff-tools.ts";
import "./webinar-invitations.ts";
import "./admin.ts";
import "./dialogues.ts";
import "./requests.ts";
import "./dialogue-sessions.ts";
import "./dialogue-documents.ts";
import "./dialogue-activity.ts";
import "./insights.ts";
import "./sends.ts";
import "./publications.ts";
import "./publication-uploads.ts";
import "./subscriptions.ts";
import "./my-data.ts";

export const schema = builder.toSchema();

export const printedSchema = () => `${printSchema(lexicographicSortSchema(schema))}\n`;
