-- AlterTable
ALTER TABLE "User" ADD COLUMN     "statistics" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Webinar" ADD COLUMN     "seriesId" TEXT;

-- AlterTable
ALTER TABLE "WebinarRegistration" ADD COLUMN     "invitedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "WebinarSeries" (
    "id" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "parityTarget" INTEGER NOT NULL DEFAULT 50,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WebinarSeries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DemographicAnswer" (
    "key" TEXT NOT NULL,
    "gender" TEXT,
    "genderDescription" TEXT,
    "ageBand" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DemographicAnswer_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "Webinar_seriesId_idx" ON "Webinar"("seriesId");

-- AddForeignKey
ALTER TABLE "Webinar" ADD CONSTRAINT "Webinar_seriesId_fkey" FOREIGN KEY ("seriesId") REFERENCES "WebinarSeries"("id") ON DELETE SET NULL ON UPDATE CASCADE;

