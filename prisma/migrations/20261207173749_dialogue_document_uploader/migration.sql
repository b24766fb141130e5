-- CreateIndex
CREATE INDEX "DialogueDocument_uploaderId_idx" ON "DialogueDocument"("uploaderId");

