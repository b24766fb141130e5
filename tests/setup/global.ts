import { execFileSync } from "node:child_process";

// Loader/action and browser tests run against the real Remix build.
export default function setup() {
  if (process.env.SKIP_REMIX_BUILD === "1") return;
  // Always a production build: it is the one `npm start` serves (a development build needs React's dev runtime).
  execFileSync("npx", ["remix", "build"], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, NODE_ENV: "production" } });
}
