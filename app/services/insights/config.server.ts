import { env } from "../../utils/env.server.ts";
import { clampK } from "./suppression.ts";

/** k for every published table: INSIGHTS_MIN_CELL (checked at start, never below 4), default 5. */
export const minCell = () => clampK(env().INSIGHTS_MIN_CELL);
