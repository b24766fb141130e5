// ESLint 9 flat config: JavaScript and typescript-eslint recommended rules on the whole tree, React and
// React hooks rules on the portal's components. `npm run lint`; .ci/run fails on any warning.
import js from "@eslint/js";
import react from "eslint-plugin-react";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "build/",
      "public/build/",
      "app/generated/",
      "data/",
      ".cache/",
      "test-results/",
      "tests/.artifacts/",
    ],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: "error" },
    languageOptions: { globals: { ...globals.node } },
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ["**/*.tsx"],
    ...react.configs.flat.recommended,
    languageOptions: { ...react.configs.flat.recommended.languageOptions, globals: { ...globals.browser, ...globals.node } },
    settings: { react: { version: "detect" } },
  },
  { files: ["**/*.tsx"], ...react.configs.flat["jsx-runtime"] },
  { files: ["**/*.tsx"], ...reactHooks.configs.flat["recommended-latest"] },
  {
    rules: {
      // A `let` assigned once but read earlier inside a callback (a deferred resolver, a handle the callback
      // polls) cannot be a const.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      // `_`-prefixed names are deliberately unused (rest siblings that drop a field, placeholders in signatures).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
);
