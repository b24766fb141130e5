import { prisma } from "../../app/utils/db.server.ts";

// Publications written straight to the database: these tests are about who receives what, not about how staff
// write an item (that has its own tests).
export async function makePublication(opts: {
  titles: Partial<Record<"EN" | "FR" | "ES", string>>;
  audience?: "PUBLIC" | "PARTNERS" | "SECTORS" | "DIALOGUES";
  audienceSectors?: ("RESEARCH" | "GOVERNMENT" | "IGO" | "NGO" | "PRIVATE" | "OTHER")[];
  topics?: ("LABOUR_MIGRATION" | "DISPLACEMENT" | "CARE_WORK" | "REMITTANCES")[];
  publishedAt?: Date;
}) {
  return prisma().publication.create({
    data: {
      type: "BRIEF",
      topics: opts.topics ?? ["CARE_WORK"],
      regions: ["AFRICA"],
      authors: "GenMig research team",
      status: "PUBLISHED",
      publishedAt: opts.publishedAt ?? new Date(),
      audience: opts.audience ?? "PUBLIC",
      audienceSectors: opts.audienceSectors ?? [],
      translations: {
        create: Object.entries(opts.titles).map(([language, title]) => ({
          language: language as "EN" | "FR" | "ES",
          title: title!,
          summary: `${title} — summary`,
          body: `# ${title}`,
          html: `<h1>${title}</h1>`,
        })),
      },
    },
  });
}
