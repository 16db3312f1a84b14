/**
 * A recommender simulator that knows the truth, for the "what video to watch next" case study
 * (Zhao et al., RecSys 2019). Real logs never reveal true relevance or how likely a user was to
 * look at a position; here both are drawn, logged, and available for evaluation.
 *
 * Users and videos have latent vectors (unobserved) and observable features. A query is a user on
 * a device, watching a query video. Candidate generation returns a few hundred videos related to the
 * user and the query; a logging policy (popularity and similarity, not the truth) ranks them and
 * shows a slate of K positions. For a shown video at position p on device d:
 *   P(click)        = relevance × examination(p, d),   relevance = σ(2·u·v + a_v − 1)
 *   examination     = (1 + p)^(−η_d), with η larger on small screens (the selection bias)
 *   watch | click   = duration × σ(2·u·v + q_v) minutes
 *   like | click    ~ Bernoulli(satisfaction),   satisfaction = σ(2·u·v + 1.5·q_v − 0.5)
 *   dismiss         ~ Bernoulli(0.1 · (1 − satisfaction)) for shown videos
 * a_v is a video's attractiveness (thumbnail, title) and q_v its quality. A tenth of the videos are
 * click-bait: very attractive, low quality, so they draw clicks but few likes.
 */
import { Rng } from "../random";

/** Devices, with the position-decay exponent of each (small screens decay fastest). */
export const DEVICES = ["mobile", "desktop", "tv"] as const;
export type Device = (typeof DEVICES)[number];

/** Settings of a simulated world. */
export interface SimulatorConfig {
  users?: number;
  videos?: number;
  latentDim?: number;
  categories?: number;
  /** Share of click-bait videos. Default 0.1. */
  clickbaitShare?: number;
  /** Candidates returned per query. Default 300. */
  candidates?: number;
  /** Positions shown per query. Default 10. */
  slate?: number;
  /** Position-decay exponent η per device. */
  decay?: Record<Device, number>;
  seed?: number;
}

/** A user: latent interests (hidden) and observable features. */
export interface User {
  id: number;
  latent: Float64Array;
  ageBucket: number;
  activity: number;
  devicePreference: number[];
}

/** A video: latent topic (hidden), attractiveness and quality (hidden), observable features. */
export interface Video {
  id: number;
  latent: Float64Array;
  attractiveness: number;
  quality: number;
  clickbait: boolean;
  category: number;
  durationMinutes: number;
  /** log(1 + views), a noisy function of attractiveness and quality. */
  popularity: number;
}

/** One logged impression: what a ranker may see, the outcomes, and the truth. */
export interface Impression {
  queryId: number;
  userId: number;
  device: number;
  userAge: number;
  userActivity: number;
  queryVideo: number;
  videoId: number;
  videoCategory: number;
  videoDuration: number;
  videoPopularity: number;
  /** 0 is the top of the slate. */
  position: number;
  clicked: number;
  watchMinutes: number;
  liked: number;
  dismissed: number;
  /** Truth, never observable in real logs. */
  trueRelevance: number;
  examination: number;
  trueSatisfaction: number;
  clickbait: number;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** The simulated world. */
export class RecsysSimulator {
  readonly users: User[];
  readonly videos: Video[];
  readonly config: Required<SimulatorConfig>;
  private readonly rng: Rng;

  constructor(config: SimulatorConfig = {}) {
    this.config = {
      users: config.users ?? 2000,
      videos: config.videos ?? 1000,
      latentDim: config.latentDim ?? 8,
      categories: config.categories ?? 10,
      clickbaitShare: config.clickbaitShare ?? 0.1,
      candidates: config.candidates ?? 300,
      slate: config.slate ?? 10,
      decay: config.decay ?? { mobile: 1.2, desktop: 0.8, tv: 0.5 },
      seed: config.seed ?? 0,
    };
    const c = this.config;
    const world = new Rng(c.seed);
    const scale = 1 / Math.sqrt(c.latentDim);
    const latent = () => Float64Array.from({ length: c.latentDim }, () => world.normal(0, scale * 1.2));
    this.users = Array.from({ length: c.users }, (_, id) => {
      const prefs = [world.uniform(0.2, 1), world.uniform(0.1, 0.6), world.uniform(0, 0.3)];
      const total = prefs[0] + prefs[1] + prefs[2];
      return { id, latent: latent(), ageBucket: world.int(4), activity: world.uniform(0, 1), devicePreference: prefs.map((p) => p / total) };
    });
    this.videos = Array.from({ length: c.videos }, (_, id) => {
      const v = latent();
      const clickbait = world.bernoulli(c.clickbaitShare);
      const attractiveness = clickbait ? world.normal(1.5, 0.3) : world.normal(0, 0.4);
      const quality = clickbait ? world.normal(-1.5, 0.3) : world.normal(0.3, 0.6);
      // The observable category is the strongest latent direction, folded into the category count.
      let best = 0;
      for (let k = 1; k < c.latentDim; k++) if (Math.abs(v[k]) > Math.abs(v[best])) best = k;
      const category = (best * 2 + (v[best] > 0 ? 0 : 1)) % c.categories;
      return {
        id,
        latent: v,
        attractiveness,
        quality,
        clickbait,
        category,
        durationMinutes: Math.round(world.uniform(2, 30) * 10) / 10,
        popularity: Math.max(0, 6 + 1.2 * attractiveness + 0.8 * quality + world.normal(0, 0.7)),
      };
    });
    this.rng = world.fork(7);
  }

  /** u·v: the user's interest in the video. */
  interest(user: User, video: Video): number {
    let s = 0;
    for (let k = 0; k < user.latent.length; k++) s += user.latent[k] * video.latent[k];
    return s;
  }

  /** True click propensity if examined (the engagement truth). */
  relevance(user: User, video: Video): number {
    return sigmoid(2 * this.interest(user, video) + video.attractiveness - 1);
  }

  /** True probability of liking the video after clicking (the satisfaction truth). */
  satisfaction(user: User, video: Video): number {
    return sigmoid(2 * this.interest(user, video) + 1.5 * video.quality - 0.5);
  }

  /** Probability that a user on `device` looks at slate position `position` (0 = top). */
  examination(position: number, device: number): number {
    return Math.pow(1 + position, -this.config.decay[DEVICES[device]]);
  }

  /** A few hundred candidates related to the user and the query video (noisy, not the truth). */
  candidates(user: User, queryVideo: Video, rng: Rng = this.rng): number[] {
    const scored = this.videos
      .filter((v) => v.id !== queryVideo.id)
      .map((v) => {
        let sim = 0;
        for (let k = 0; k < v.latent.length; k++) sim += queryVideo.latent[k] * v.latent[k];
        return { id: v.id, s: sim + 0.5 * this.interest(user, v) + rng.normal(0, 0.3) };
      });
    scored.sort((a, b) => b.s - a.s || a.id - b.id);
    return scored.slice(0, this.config.candidates).map((x) => x.id);
  }

  /** The logging policy's order: popularity and similarity to the query, with noise. */
  loggingOrder(candidates: number[], queryVideo: Video, rng: Rng = this.rng): number[] {
    const scored = candidates.map((id) => {
      const v = this.videos[id];
      const sameCategory = v.category === queryVideo.category ? 1 : 0;
      return { id, s: v.popularity + sameCategory + rng.normal(0, 0.5) };
    });
    scored.sort((a, b) => b.s - a.s || a.id - b.id);
    return scored.map((x) => x.id);
  }

  /**
   * Unlogged evaluation sets: for each query, `perQuery` candidates drawn at random from the
   * candidate list, with their truth and no position (no one saw them). Only a simulator can do
   * this; it shows how a ranker would order items the logging policy never put on top.
   */
  evaluationSet(queries: number, perQuery: number, options: { seed?: number; firstQueryId?: number } = {}): Impression[] {
    const rng = new Rng(options.seed ?? this.config.seed + 99);
    const out: Impression[] = [];
    for (let q = 0; q < queries; q++) {
      const { user, device, queryVideo } = this.drawQuery(rng);
      const pool = this.candidates(user, queryVideo, rng);
      const order = rng.permutation(pool.length);
      for (let k = 0; k < Math.min(perQuery, pool.length); k++) {
        // No one saw these candidates: no position, no outcomes (as impression leaves them).
        out.push(this.impression((options.firstQueryId ?? 0) + q, user, device, queryVideo, this.videos[pool[order[k]]]));
      }
    }
    return out;
  }

  /** A query: who asks, on which device, from which video (the same draws for logs and evaluation sets). */
  private drawQuery(rng: Rng): { user: User; device: number; queryVideo: Video } {
    const user = this.users[rng.int(this.users.length)];
    const device = rng.categorical(user.devicePreference);
    return { user, device, queryVideo: this.videos[rng.int(this.videos.length)] };
  }

  /** The observable features and the truth of showing `video` to `user` (outcomes not drawn yet). */
  private impression(queryId: number, user: User, device: number, queryVideo: Video, video: Video): Impression {
    return {
      queryId,
      userId: user.id,
      device,
      userAge: user.ageBucket,
      userActivity: round(user.activity),
      queryVideo: queryVideo.id,
      videoId: video.id,
      videoCategory: video.category,
      videoDuration: video.durationMinutes,
      videoPopularity: round(video.popularity),
      position: -1,
      clicked: 0,
      watchMinutes: 0,
      liked: 0,
      dismissed: 0,
      trueRelevance: round(this.relevance(user, video)),
      examination: 0,
      trueSatisfaction: round(this.satisfaction(user, video)),
      clickbait: video.clickbait ? 1 : 0,
    };
  }

  /** Simulates `queries` queries and returns their slates' impressions, with outcomes and truth. */
  log(queries: number, options: { seed?: number; firstQueryId?: number } = {}): Impression[] {
    const rng = new Rng(options.seed ?? this.config.seed + 1);
    const out: Impression[] = [];
    for (let q = 0; q < queries; q++) {
      const { user, device, queryVideo } = this.drawQuery(rng);
      const slate = this.loggingOrder(this.candidates(user, queryVideo, rng), queryVideo, rng).slice(0, this.config.slate);
      slate.forEach((videoId, position) => {
        const video = this.videos[videoId];
        const base = this.impression((options.firstQueryId ?? 0) + q, user, device, queryVideo, video);
        const exam = this.examination(position, device);
        // Outcomes are drawn from the exact probabilities; the log stores them rounded.
        const satisfaction = this.satisfaction(user, video);
        const clicked = rng.bernoulli(this.relevance(user, video) * exam) ? 1 : 0;
        const completion = sigmoid(2 * this.interest(user, video) + video.quality);
        out.push({
          ...base,
          position,
          examination: round(exam),
          clicked,
          watchMinutes: clicked ? round(video.durationMinutes * completion * rng.uniform(0.8, 1.2)) : 0,
          liked: clicked && rng.bernoulli(satisfaction) ? 1 : 0,
          dismissed: rng.bernoulli(0.1 * (1 - satisfaction)) ? 1 : 0,
        });
      });
    }
    return out;
  }
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/** The CSV columns of a log, in order. */
export const LOG_COLUMNS: (keyof Impression)[] = [
  "queryId",
  "userId",
  "device",
  "userAge",
  "userActivity",
  "queryVideo",
  "videoId",
  "videoCategory",
  "videoDuration",
  "videoPopularity",
  "position",
  "clicked",
  "watchMinutes",
  "liked",
  "dismissed",
  "trueRelevance",
  "examination",
  "trueSatisfaction",
  "clickbait",
];

/** A log as CSV text (header + one line per impression). */
export function toCsv(rows: readonly Impression[]): string {
  const lines = [LOG_COLUMNS.join(",")];
  for (const r of rows) lines.push(LOG_COLUMNS.map((c) => String(r[c])).join(","));
  return lines.join("\n") + "\n";
}

/** Parses a log written by toCsv. */
export function parseCsv(text: string): Impression[] {
  const [header, ...lines] = text.trim().split("\n");
  const cols = header.split(",");
  if (cols.join(",") !== LOG_COLUMNS.join(",")) throw new Error(`unexpected log columns: ${header}`);
  return lines.map((line) => {
    const vals = line.split(",").map(Number);
    return Object.fromEntries(cols.map((c, i) => [c, vals[i]])) as unknown as Impression;
  });
}
