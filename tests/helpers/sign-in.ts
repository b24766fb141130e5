import { randomToken, sha256 } from "../../app/services/crypto.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import type { Client } from "./app.ts";

/**
 * Signs a client in through the real verify page with a freshly minted link token, skipping only the email
 * round trip (tests/auth.test.ts covers that end to end).
 */
export async function signInAs(client: Client, email: string) {
  const token = randomToken();
  // As if this browser had asked for the link: it holds the cookie whose hash the token keeps.
  const browser = client.cookies.get("gmh_signin") ?? randomToken();
  client.cookies.set("gmh_signin", browser);
  await prisma().signInToken.create({
    data: { email, tokenHash: sha256(token), expiresAt: new Date(Date.now() + 60_000), browserHash: sha256(browser) },
  });
  const response = await client.post("/auth/verify", { token });
  if (response.status !== 302) throw new Error(`sign-in failed with ${response.status}`);
  return client;
}
