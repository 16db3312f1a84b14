/**
 * Regenerates the ratings data of homework 2:
 *
 *   npx tsx data/ratings/generate.ts
 *
 * writes data/ratings/train.csv.gz and test.csv.gz from lib/recommender/ratings.ts with the
 * world SHIPPED_RATINGS (200 users, 100 items, 30 ratings each, seed 330).
 */
import * as fs from "fs";
import * as path from "path";
import { makeRatingsFiles } from "../../lib/recommender/ratings";

if (require.main === module) {
  for (const [name, bytes] of Object.entries(makeRatingsFiles())) {
    const file = path.join(__dirname, `${name}.csv.gz`);
    fs.writeFileSync(file, bytes);
    console.log(`wrote ${file} (${bytes.length} bytes)`);
  }
}
