import net from "node:net";
import { PrismaPg } from "@prisma/adapter-pg";
import { GraphQLError } from "graphql";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { PrismaClient } from "../generated/prisma/client.ts";
import { AppError } from "../services/errors.ts";
import { isDatabaseUnavailable, noteIfDatabaseUnavailable } from "./db-unavailable.server.ts";

/** A port nothing listens on (taken, then released). */
async function closedPort() {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const caught = async (fn: () => Promise<unknown>) => {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error("did not fail");
};

describe("isDatabaseUnavailable", () => {
  it("recognises what the real drivers raise when the server cannot be reached", async () => {
    const port = await closedPort();
    const prisma = new PrismaClient({ adapter: new PrismaPg({ host: "127.0.0.1", port, user: "postgres", database: "none" }) });
    const model = await caught(() => prisma.user.findFirst());
    const raw = await caught(() => prisma.$queryRaw`SELECT 1`);
    const client = await caught(() => new pg.Client({ host: "127.0.0.1", port }).connect());
    for (const error of [model, raw, client]) expect(isDatabaseUnavailable(error), String(error)).toBe(true);
    // Wrapped, as GraphQL and `cause` chains carry it.
    expect(isDatabaseUnavailable(new GraphQLError("x", { originalError: model as Error }))).toBe(true);
    expect(isDatabaseUnavailable(new Error("outer", { cause: client }))).toBe(true);
    await prisma.$disconnect();
  });

  it("recognises a dropped connection, a restarting server and a database closed to connections", () => {
    expect(isDatabaseUnavailable(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01", severity: "FATAL" }))).toBe(true);
    expect(isDatabaseUnavailable({ code: "P2010", meta: { driverAdapterError: { cause: { kind: "postgres", code: "55000", message: 'database "x" is not currently accepting connections' } } } })).toBe(true);
    expect(isDatabaseUnavailable({ code: "P2024", message: "Timed out fetching a new connection from the connection pool." })).toBe(true);
  });

  it("leaves every other failure alone", () => {
    expect(isDatabaseUnavailable(new AppError("NOT_FOUND", "not_found"))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("Cannot read properties of undefined"))).toBe(false);
    expect(isDatabaseUnavailable({ code: "P2002", meta: { driverAdapterError: { cause: { kind: "UniqueConstraintViolation" } } } })).toBe(false);
    expect(isDatabaseUnavailable({ code: "P2010", meta: { driverAdapterError: { cause: { kind: "postgres", code: "55000", message: "cannot refresh materialized view concurrently" } } } })).toBe(false);
    expect(isDatabaseUnavailable(Object.assign(new Error("syntax error"), { code: "42601" }))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
    // A cycle of causes ends.
    const a: { cause?: unknown } = {};
    a.cause = { cause: a };
    expect(isDatabaseUnavailable(a)).toBe(false);
  });

  it("notes the outage on the request's context", () => {
    const context: Record<string, unknown> = {};
    expect(noteIfDatabaseUnavailable(new Error("boom"), context)).toBe(false);
    expect(context.databaseUnavailable).toBeUndefined();
    expect(noteIfDatabaseUnavailable(new Error("Connection terminated unexpectedly"), context)).toBe(true);
    expect(context.databaseUnavailable).toBe(true);
  });
});
