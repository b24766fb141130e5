-- CreateEnum
CREATE TYPE "WebinarStatus" AS ENUM ('SCHEDULED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "WebinarAudience" AS ENUM ('PUBLIC', 'PARTNERS', 'INVITED');

-- CreateEnum
CREATE TYPE "SpeakerRole" AS ENUM ('SPEAKER', 'MODERATOR');

-- CreateEnum
CREATE TYPE "RegistrationStatus" AS ENUM ('UNCONFIRMED', 'PENDING_APPROVAL', 'CONFIRMED', 'WAITLISTED', 'CANCELLED', 'DENIED');

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "calendarSecret" TEXT;

-- CreateTable
CREATE TABLE "Webinar" (
    "id" TEXT NOT NULL,
    "uid" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL DEFAULT 0,
    "status" "WebinarStatus" NOT NULL DEFAULT 'SCHEDULED',
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "timeZone" TEXT NOT NULL,
    "meetingUrl" TEXT NOT NULL,
    "capacity" INTEGER,
    "audience" "WebinarAudience" NOT NULL DEFAULT 'PUBLIC',
    "requiresApproval" BOOLEAN NOT NULL DEFAULT false,
    "askInstitution" BOOLEAN NOT NULL DEFAULT true,
    "askCountry" BOOLEAN NOT NULL DEFAULT true,
    "askAccessNeeds" BOOLEAN NOT NULL DEFAULT true,
    "cancelReason" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Webinar_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebinarTranslation" (
    "id" TEXT NOT NULL,
    "webinarId" TEXT NOT NULL,
    "language" "Language" NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,

    CONSTRAINT "WebinarTranslation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebinarSpeaker" (
    "id" TEXT NOT NULL,
    "webinarId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "affiliation" TEXT,
    "role" "SpeakerRole" NOT NULL DEFAULT 'SPEAKER',
    "gender" TEXT,
    "position" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "WebinarSpeaker_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebinarRegistration" (
    "id" TEXT NOT NULL,
    "webinarId" TEXT NOT NULL,
    "userId" TEXT,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "language" "Language" NOT NULL DEFAULT 'EN',
    "timeZone" TEXT NOT NULL DEFAULT 'UTC',
    "status" "RegistrationStatus" NOT NULL,
    "institution" TEXT,
    "country" TEXT,
    "captions" BOOLEAN NOT NULL DEFAULT false,
    "signLanguage" BOOLEAN NOT NULL DEFAULT false,
    "interpretationLanguage" TEXT,
    "denialMessage" TEXT,
    "attended" BOOLEAN,
    "confirmedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WebinarRegistration_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Webinar_uid_key" ON "Webinar"("uid");

-- CreateIndex
CREATE INDEX "Webinar_startsAt_idx" ON "Webinar"("startsAt");

-- CreateIndex
CREATE UNIQUE INDEX "WebinarTranslation_webinarId_language_key" ON "WebinarTranslation"("webinarId", "language");

-- CreateIndex
CREATE INDEX "WebinarSpeaker_webinarId_idx" ON "WebinarSpeaker"("webinarId");

-- CreateIndex
CREATE INDEX "WebinarRegistration_webinarId_status_createdAt_idx" ON "WebinarRegistration"("webinarId", "status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "WebinarRegistration_webinarId_email_key" ON "WebinarRegistration"("webinarId", "email");

-- CreateIndex
CREATE UNIQUE INDEX "User_calendarSecret_key" ON "User"("calendarSecret");

-- AddForeignKey
ALTER TABLE "WebinarTranslation" ADD CONSTRAINT "WebinarTranslation_webinarId_fkey" FOREIGN KEY ("webinarId") REFERENCES "Webinar"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebinarSpeaker" ADD CONSTRAINT "WebinarSpeaker_webinarId_fkey" FOREIGN KEY ("webinarId") REFERENCES "Webinar"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebinarRegistration" ADD CONSTRAINT "WebinarRegistration_webinarId_fkey" FOREIGN KEY ("webinarId") REFERENCES "Webinar"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebinarRegistration" ADD CONSTRAINT "WebinarRegistration_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

