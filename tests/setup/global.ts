import { execFileSync } from "node:child_process";

// Loader/action and browser tests run against the real Remix build.
export default function setup() {
  if (process.env.SKIP_REMIX_BUILD === "1") return;
  execFileSync("npx", ["remix", "build"], { stdio: ["ignore", "ignore", "inherit"] });
}
