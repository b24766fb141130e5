// Reads vitest's JSON reports. `slowest FILE…`: the ten slowest test files of one pass (a report per shard).
// `total FILE…`: the closing `tests: N passed, N failed` line over all passes (a missing report, or a file that
// failed outside its tests, counts as one failure).
import fs from "node:fs";
import path from "node:path";

const [command, ...files] = process.argv.slice(2);
const read = (file) => (fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : undefined);

if (command === "slowest") {
  // A pass runs in shards (.ci/run): one report each, read together.
  const reports = files.map(read).filter(Boolean);
  if (!reports.length) process.exit(0);
  const results = reports.flatMap((report) => report.testResults);
  const rows = results
    .map((r) => ({ file: path.relative(process.cwd(), r.name), seconds: (r.endTime - r.startTime) / 1000 }))
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, 10);
  const wall = (report) => (report.testResults.length ? Math.max(...report.testResults.map((r) => r.endTime)) - report.startTime : 0) / 1000;
  const shardTime = reports.reduce((sum, report) => sum + wall(report), 0);
  console.log(`slowest test files (${results.length} files in ${reports.length} shards, ${shardTime.toFixed(0)} s from each shard's start to its last file, summed):`);
  for (const { file, seconds } of rows) console.log(`${seconds.toFixed(1).padStart(8)} s  ${file}`);
} else if (command === "total") {
  let passed = 0;
  let failed = 0;
  for (const file of files) {
    const report = read(file);
    if (!report) {
      failed += 1;
      console.log(`FAILED ${file}: no report`);
    } else {
      passed += report.numPassedTests;
      failed += report.numFailedTests;
      for (const result of report.testResults) {
        const where = `${path.basename(file, ".json")}: ${path.relative(process.cwd(), result.name)}`;
        const failures = result.assertionResults.filter((a) => a.status === "failed");
        for (const a of failures) console.log(`FAILED ${where} > ${a.fullName}`);
        // A file that failed outside any test (an import or a hook) has no failed test of its own to count.
        if (result.status === "failed" && !failures.length) {
          failed += 1;
          console.log(`FAILED ${where} (outside its tests: ${String(result.message ?? "").split("\n")[0]})`);
        }
      }
    }
  }
  console.log(`tests: ${passed} passed, ${failed} failed`);
} else {
  console.error("usage: node .ci/report.mjs slowest REPORT.json… | total REPORT.json…");
  process.exit(2);
}
