// Marks a ~25 MB PDF as a download would and prints the time, next to a plain load+save baseline.
// Run: npx tsx bench/draft-mark.ts
import { PDFDocument, PDFName, StandardFonts } from "pdf-lib";
import { markDraftPdf } from "../app/services/publications/draft-mark.server.ts";

async function bigPdf(targetBytes: number) {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  // Incompressible image data stands in for the figures and scans that make real briefs large.
  const noise = new Uint8Array(1024 * 1024);
  let size = 0;
  while (size < targetBytes) {
    for (let j = 0; j < noise.length; j++) noise[j] = (Math.random() * 256) | 0;
    const image = doc.context.register(
      doc.context.stream(noise.slice(), { Type: "XObject", Subtype: "Image", Width: 1024, Height: 1024, ColorSpace: "DeviceGray", BitsPerComponent: 8 }),
    );
    const page = doc.addPage([595, 842]);
    page.node.setXObject(PDFName.of("Im0"), image);
    page.drawText(`Page ${doc.getPageCount()}: findings`, { x: 50, y: 780, size: 14, font });
    size += noise.length;
  }
  return doc.save({ useObjectStreams: false });
}

const input = await bigPdf(25 * 1024 * 1024);
const pages = (await PDFDocument.load(input)).getPageCount();
const reader = { id: "bench", name: "Ana Ruiz", email: "ana@example.org", institution: "Red Migrante", language: "es" as const };
const time = async (f: () => Promise<unknown>) => {
  const t = performance.now();
  await f();
  return performance.now() - t;
};
for (let i = 0; i < 3; i++) {
  const baseline = await time(async () => (await PDFDocument.load(input)).save({ useObjectStreams: false }));
  const mark = await time(() => markDraftPdf(input, reader));
  console.log(
    `input ${(input.byteLength / 1048576).toFixed(1)} MB, ${pages} pages: load+save ${baseline.toFixed(0)} ms, mark ${mark.toFixed(0)} ms, ratio ${(mark / baseline).toFixed(2)}`,
  );
}
