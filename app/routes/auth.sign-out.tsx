import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { signOut } from "../services/auth.server.ts";
import { clearSessionCookie, sessionSecret } from "../utils/session.server.ts";

export async function action({ request }: ActionFunctionArgs) {
  const secret = sessionSecret(request);
  if (secret) await signOut(secret);
  return redirect("/", { headers: { "set-cookie": clearSessionCookie(request) } });
}

export const loader = () => redirect("/");
