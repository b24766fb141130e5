import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleGraphQL } from "../../graphql/yoga.server.ts";
import { clientIp, getActor } from "../utils/session.server.ts";

async function handle({ request, context }: LoaderFunctionArgs | ActionFunctionArgs) {
  return handleGraphQL(request, { actor: await getActor(request), ip: clientIp(context) });
}

export const loader = handle;
export const action = handle;
