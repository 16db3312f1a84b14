/**
 * Regenerates the case study's logs byte for byte:
 *
 *   npx tsx data/recsys/generate.ts
 *
 * writes data/recsys/train.csv.gz (10,000 queries, 100,000 impressions) and test.csv.gz (2,000
 * queries, 20,000 impressions) from the simulator in lib/recsys/simulator.ts, world seed 2019,
 * query seeds 1 (train) and 2 (test): SHIPPED_LOGS in lib/recsys/log.ts.
 */
import * as fs from "fs";
import * as path from "path";
import { makeLogs, SHIPPED_LOGS_ZLIB } from "../../lib/recsys/log";

if (require.main === module) {
  for (const [name, bytes] of Object.entries(makeLogs())) {
    const file = path.join(__dirname, `${name}.csv.gz`);
    fs.writeFileSync(file, bytes);
    console.log(`wrote ${file} (${bytes.length} bytes)`);
  }
  if (process.versions.zlib !== SHIPPED_LOGS_ZLIB) {
    // Same rows, possibly other compressed bytes: see SHIPPED_LOGS_ZLIB.
    console.log(`note: this Node's zlib is ${process.versions.zlib}; the shipped files were written with ${SHIPPED_LOGS_ZLIB}`);
  }
}
