-- CreateEnum
CREATE TYPE "DialogueVisibility" AS ENUM ('SECRET', 'PRIVATE');

-- CreateEnum
CREATE TYPE "DialogueRole" AS ENUM ('FACILITATOR', 'MEMBER');

-- CreateTable
CREATE TABLE "Dialogue" (
    "id" TEXT NOT NULL,
    "visibility" "DialogueVisibility" NOT NULL DEFAULT 'SECRET',
    "chathamHouse" BOOLEAN NOT NULL DEFAULT false,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Dialogue_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DialogueTranslation" (
    "id" TEXT NOT NULL,
    "dialogueId" TEXT NOT NULL,
    "language" "Language" NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "DialogueTranslation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DialogueMember" (
    "id" TEXT NOT NULL,
    "dialogueId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "role" "DialogueRole" NOT NULL DEFAULT 'MEMBER',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DialogueMember_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DialogueInvitation" (
    "id" TEXT NOT NULL,
    "dialogueId" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "role" "DialogueRole" NOT NULL DEFAULT 'MEMBER',
    "tokenHash" TEXT NOT NULL,
    "invitedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "acceptedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "DialogueInvitation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DialogueThread" (
    "id" TEXT NOT NULL,
    "dialogueId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastPostAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DialogueThread_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DialoguePost" (
    "id" TEXT NOT NULL,
    "threadId" TEXT NOT NULL,
    "authorId" TEXT,
    "body" TEXT NOT NULL,
    "html" TEXT NOT NULL,
    "attributable" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "editedAt" TIMESTAMP(3),

    CONSTRAINT "DialoguePost_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DialoguePostRevision" (
    "id" TEXT NOT NULL,
    "postId" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DialoguePostRevision_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "DialogueTranslation_dialogueId_language_key" ON "DialogueTranslation"("dialogueId", "language");

-- CreateIndex
CREATE INDEX "DialogueMember_userId_idx" ON "DialogueMember"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "DialogueMember_dialogueId_userId_key" ON "DialogueMember"("dialogueId", "userId");

-- CreateIndex
CREATE UNIQUE INDEX "DialogueInvitation_tokenHash_key" ON "DialogueInvitation"("tokenHash");

-- CreateIndex
CREATE INDEX "DialogueInvitation_dialogueId_email_idx" ON "DialogueInvitation"("dialogueId", "email");

-- CreateIndex
CREATE INDEX "DialogueThread_dialogueId_lastPostAt_idx" ON "DialogueThread"("dialogueId", "lastPostAt");

-- CreateIndex
CREATE INDEX "DialoguePost_threadId_createdAt_idx" ON "DialoguePost"("threadId", "createdAt");

-- AddForeignKey
ALTER TABLE "DialogueTranslation" ADD CONSTRAINT "DialogueTranslation_dialogueId_fkey" FOREIGN KEY ("dialogueId") REFERENCES "Dialogue"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DialogueMember" ADD CONSTRAINT "DialogueMember_dialogueId_fkey" FOREIGN KEY ("dialogueId") REFERENCES "Dialogue"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DialogueMember" ADD CONSTRAINT "DialogueMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DialogueInvitation" ADD CONSTRAINT "DialogueInvitation_dialogueId_fkey" FOREIGN KEY ("dialogueId") REFERENCES "Dialogue"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DialogueThread" ADD CONSTRAINT "DialogueThread_dialogueId_fkey" FOREIGN KEY ("dialogueId") REFERENCES "Dialogue"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DialoguePost" ADD CONSTRAINT "DialoguePost_threadId_fkey" FOREIGN KEY ("threadId") REFERENCES "DialogueThread"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DialoguePost" ADD CONSTRAINT "DialoguePost_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DialoguePostRevision" ADD CONSTRAINT "DialoguePostRevision_postId_fkey" FOREIGN KEY ("postId") REFERENCES "DialoguePost"("id") ON DELETE CASCADE ON UPDATE CASCADE;

