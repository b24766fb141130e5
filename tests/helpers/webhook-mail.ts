import { afterAll, beforeAll } from "vitest";
import { resetEnv } from "../../app/utils/env.server.ts";
import { startSmtpSink } from "./smtp-sink.ts";

/**
 * For a file that posts provider events to the email-events webhook and reads what was delivered: sets the
 * webhook's secret and starts a real SMTP server for the whole file, and undoes both after it.
 */
export function useWebhookAndSmtpSink(secret: string) {
  const mail = {} as { sink: Awaited<ReturnType<typeof startSmtpSink>> };
  beforeAll(async () => {
    process.env.EMAIL_WEBHOOK_SECRET = secret;
    mail.sink = await startSmtpSink();
  });
  afterAll(async () => {
    delete process.env.EMAIL_WEBHOOK_SECRET;
    resetEnv();
    await mail.sink.stop();
  });
  return mail;
}
