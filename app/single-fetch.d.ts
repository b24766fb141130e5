import "@remix-run/node";

// Single-fetch typing for loaders and actions (remix.config.js enables the flag).
declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}
