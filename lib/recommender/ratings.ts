/**
 * The ratings data of homework 2: users × items with latent factors and ratings 1–5, the kit's own
 * stand-in for MovieLens (which may not be redistributed). Users rate what they like more often
 * than what they do not, so which items a user rated carries signal (the ranking task) as well as
 * the ratings themselves (the rating task).
 */
import * as fs from "fs";
import * as zlib from "zlib";
import { Rng } from "../random";
import { dataFile } from "../tasks/data-files";
import { gzipDeterministic } from "../recsys/log";

/** One rating. */
export interface Rating {
  user: number;
  item: number;
  rating: number;
}

/** How the ratings world is drawn. */
export interface RatingsConfig {
  /** Default 200. */
  users?: number;
  /** Default 100. */
  items?: number;
  /** Dimension of the true latent factors. Default 3. */
  dim?: number;
  /** Ratings per user; one of them, chosen at random, is the user's test rating. Default 30. */
  perUser?: number;
  /** How strongly a user's taste (u·v) drives which items the user rates (a logit scale). Default 2.5. */
  taste?: number;
  /** Spread (sd of the logit) of item popularity in which items get rated. Default 0.7. */
  popularity?: number;
  /** Default 330. */
  seed?: number;
}

/** The split of a ratings data set: per user, one rating chosen at random is held out. */
export interface RatingsData {
  users: number;
  items: number;
  train: Rating[];
  /** One rating per user (leave-one-out), for MRR and the rating MSE. */
  test: Rating[];
}

const COLUMNS = ["user", "item", "rating"] as const;

/** Draws a ratings data set: the same config gives the same ratings. */
export function makeRatings(config: RatingsConfig = {}): RatingsData {
  const users = config.users ?? 200;
  const items = config.items ?? 100;
  const dim = config.dim ?? 3;
  const perUser = config.perUser ?? 30;
  if (perUser >= items) throw new Error(`makeRatings: perUser (${perUser}) must be below items (${items})`);
  const rng = new Rng(config.seed ?? 330);
  const scale = 1 / Math.sqrt(dim);
  const u = Array.from({ length: users }, () => Array.from(rng.normals(dim, 0, 1.2 * scale)));
  const v = Array.from({ length: items }, () => Array.from(rng.normals(dim, 0, 1.2 * scale)));
  const itemBias = Array.from(rng.normals(items, 0, 0.4));
  const userBias = Array.from(rng.normals(users, 0, 0.3));
  const popularity = Array.from(rng.normals(items, 0, config.popularity ?? 0.7));
  const taste = config.taste ?? 2.5;
  const train: Rating[] = [];
  const test: Rating[] = [];
  for (let a = 0; a < users; a++) {
    const affinity = v.map((vi) => vi.reduce((s, x, k) => s + x * u[a][k], 0));
    // Users pick what they like and what is popular: rated items are not a random sample.
    const weights = affinity.map((f, i) => Math.exp(taste * f + popularity[i]));
    const chosen: number[] = [];
    for (let k = 0; k < perUser; k++) {
      const i = rng.categorical(weights);
      weights[i] = 0;
      chosen.push(i);
    }
    // The held-out rating is any of the user's, not the last drawn (the least liked of the rest).
    const heldOut = rng.int(perUser);
    chosen.forEach((i, k) => {
      const raw = 3.2 + 1.6 * affinity[i] + itemBias[i] + userBias[a] + rng.normal(0, 0.5);
      const r = { user: a, item: i, rating: Math.min(5, Math.max(1, Math.round(raw))) };
      (k === heldOut ? test : train).push(r);
    });
  }
  return { users, items, train, test };
}

/** CSV text with a header line. */
export function ratingsCsv(rows: readonly Rating[]): string {
  return [COLUMNS.join(","), ...rows.map((r) => `${r.user},${r.item},${r.rating}`)].join("\n") + "\n";
}

/** Parses ratingsCsv's text, checking the header. */
export function parseRatingsCsv(text: string): Rating[] {
  const [header, ...lines] = text.trim().split(/\r?\n/);
  if (header !== COLUMNS.join(",")) throw new Error(`unexpected ratings columns: ${header} (expected ${COLUMNS.join(",")})`);
  return lines.map((line) => {
    const [user, item, rating] = line.split(",").map(Number);
    return { user, item, rating };
  });
}

/** The world behind the shipped files in data/ratings/. */
export const SHIPPED_RATINGS: RatingsConfig = { users: 200, items: 100, dim: 3, perUser: 30, taste: 2.5, popularity: 0.7, seed: 330 };

/** The gzipped CSV bytes of the shipped train and test files (byte-identical for the same config). */
export function makeRatingsFiles(config: RatingsConfig = SHIPPED_RATINGS): { train: Buffer; test: Buffer } {
  const data = makeRatings(config);
  return { train: gzipDeterministic(ratingsCsv(data.train)), test: gzipDeterministic(ratingsCsv(data.test)) };
}

let cached: RatingsData | null = null;

/** The shipped ratings (data/ratings/{train,test}.csv.gz), read once per process. */
export function loadRatings(): RatingsData {
  if (!cached) {
    const read = (split: string) => parseRatingsCsv(zlib.gunzipSync(fs.readFileSync(dataFile(`ratings/${split}.csv.gz`))).toString("utf8"));
    const train = read("train");
    const test = read("test");
    const users = 1 + Math.max(...train.map((r) => r.user));
    // An item nobody rated still exists: the count comes from the shipped world, not the files.
    const items = Math.max(SHIPPED_RATINGS.items as number, 1 + Math.max(...train.map((r) => r.item), ...test.map((r) => r.item)));
    cached = { users, items, train, test };
  }
  return cached;
}
