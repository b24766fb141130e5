import { execFileSync } from "node:child_process";

// Loader/action and browser tests run against the real Remix build; the browser test starts the compiled server.
export default function setup() {
  if (process.env.SKIP_REMIX_BUILD !== "1") {
    // Always a production build: it is the one `npm start` serves (a development build needs React's dev runtime).
    execFileSync("npx", ["remix", "build"], { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, NODE_ENV: "production" } });
  }
  // A fraction of a second: keeps build/server.js in step with the sources the tests read.
  execFileSync("npm", ["run", "--silent", "build:server"], { stdio: ["ignore", "ignore", "inherit"] });
}
