-- CreateEnum
CREATE TYPE "DigestFrequency" AS ENUM ('WEEKLY', 'MONTHLY');

-- CreateEnum
CREATE TYPE "SubscriberStatus" AS ENUM ('PENDING', 'CONFIRMED', 'UNSUBSCRIBED');

-- CreateEnum
CREATE TYPE "SuppressionReason" AS ENUM ('HARD_BOUNCE', 'COMPLAINT', 'SOFT_BOUNCE_THRESHOLD', 'UNSUBSCRIBED', 'IMPORTED', 'MANUAL');

-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN     "headers" JSONB;

-- CreateTable
CREATE TABLE "Subscriber" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "language" "Language" NOT NULL,
    "topics" TEXT[],
    "frequency" "DigestFrequency" NOT NULL,
    "status" "SubscriberStatus" NOT NULL DEFAULT 'PENDING',
    "confirmTokenHash" TEXT,
    "confirmExpiresAt" TIMESTAMP(3),
    "preferenceTokenVersion" INTEGER NOT NULL DEFAULT 1,
    "consentRequestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "consentSource" TEXT NOT NULL,
    "consentWordingVersion" TEXT NOT NULL,
    "confirmedAt" TIMESTAMP(3),
    "unsubscribedAt" TIMESTAMP(3),
    "lastDigestAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Subscriber_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UserDigestPreference" (
    "userId" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "frequency" "DigestFrequency" NOT NULL DEFAULT 'MONTHLY',
    "topics" TEXT[],
    "language" "Language",
    "preferenceTokenVersion" INTEGER NOT NULL DEFAULT 1,
    "lastDigestAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UserDigestPreference_pkey" PRIMARY KEY ("userId")
);

-- CreateTable
CREATE TABLE "SuppressionEntry" (
    "email" TEXT NOT NULL,
    "reason" "SuppressionReason" NOT NULL,
    "detail" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SuppressionEntry_pkey" PRIMARY KEY ("email")
);

-- CreateTable
CREATE TABLE "SoftBounceCounter" (
    "email" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "lastBounceAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SoftBounceCounter_pkey" PRIMARY KEY ("email")
);

-- CreateIndex
CREATE UNIQUE INDEX "Subscriber_email_key" ON "Subscriber"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Subscriber_confirmTokenHash_key" ON "Subscriber"("confirmTokenHash");

-- CreateIndex
CREATE INDEX "Subscriber_status_frequency_idx" ON "Subscriber"("status", "frequency");

-- CreateIndex
CREATE INDEX "Subscriber_status_confirmExpiresAt_idx" ON "Subscriber"("status", "confirmExpiresAt");

-- CreateIndex
CREATE INDEX "UserDigestPreference_enabled_frequency_idx" ON "UserDigestPreference"("enabled", "frequency");

-- AddForeignKey
ALTER TABLE "UserDigestPreference" ADD CONSTRAINT "UserDigestPreference_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Topics are text arrays like Publication.topics (the driver adapters cannot filter enum arrays); still closed.
CREATE TRIGGER "Subscriber_closed_sets" BEFORE INSERT OR UPDATE ON "Subscriber" FOR EACH ROW EXECUTE FUNCTION "genmig_closed_text_arrays"('topics', 'LABOUR_MIGRATION,DISPLACEMENT,CARE_WORK,REMITTANCES,TRAFFICKING,CLIMATE_MOBILITY,DATA_AND_STATISTICS,POLICY_AND_GOVERNANCE');
CREATE TRIGGER "UserDigestPreference_closed_sets" BEFORE INSERT OR UPDATE ON "UserDigestPreference" FOR EACH ROW EXECUTE FUNCTION "genmig_closed_text_arrays"('topics', 'LABOUR_MIGRATION,DISPLACEMENT,CARE_WORK,REMITTANCES,TRAFFICKING,CLIMATE_MOBILITY,DATA_AND_STATISTICS,POLICY_AND_GOVERNANCE');
