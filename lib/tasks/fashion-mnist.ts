/**
 * Multi-task families on Fashion-MNIST (Xiao, Rasul & Vollgraf, 2017; MIT licence, Zalando
 * Research). The kit ships a seeded, class-balanced subset downsampled to 14×14
 * (data/fashion-mnist/, made by data/fashion-mnist/make-subset.ts). Inputs are 196 floats in [0, 1].
 */
import * as fs from "fs";
import * as zlib from "zlib";
import { dataFile } from "./data-files";
import { dataset, oneHot, type Task, type TaskFamily } from "./task";

/** Fashion-MNIST's ten classes, by label. */
export const FASHION_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"] as const;

/** Images (n × 196, in [0, 1]) and labels of one split. */
export interface FashionSplit {
  images: Float32Array;
  labels: Uint8Array;
  n: number;
}

/** The shipped subset. */
export interface FashionSubset {
  train: FashionSplit;
  test: FashionSplit;
  side: number;
}

/** Header of the subset file. */
export interface SubsetHeader {
  format: "fashion-mnist-subset/1";
  side: number;
  train: number;
  test: number;
  seed: number;
}

let cached: FashionSubset | null = null;

/** Parses the subset file: uint32 header length, JSON header, then uint8 pixels and labels. */
export function parseSubset(gz: Buffer): FashionSubset {
  const raw = zlib.gunzipSync(gz);
  const headerLength = raw.readUInt32LE(0);
  const header = JSON.parse(raw.subarray(4, 4 + headerLength).toString("utf8")) as SubsetHeader;
  if (header.format !== "fashion-mnist-subset/1") throw new Error(`unknown Fashion-MNIST subset format ${header.format}`);
  const px = header.side * header.side;
  let offset = 4 + headerLength;
  const read = (n: number): FashionSplit => {
    const pixels = raw.subarray(offset, offset + n * px);
    offset += n * px;
    const labels = Uint8Array.from(raw.subarray(offset, offset + n));
    offset += n;
    const images = new Float32Array(n * px);
    for (let i = 0; i < images.length; i++) images[i] = pixels[i] / 255;
    return { images, labels, n };
  };
  const train = read(header.train);
  const test = read(header.test);
  return { train, test, side: header.side };
}

/** Loads the shipped subset (cached after the first call). */
export function loadFashionMnist(): FashionSubset {
  if (!cached) cached = parseSubset(fs.readFileSync(dataFile("fashion-mnist/subset.bin.gz")));
  return cached;
}

/** A binary attribute over classes. */
export interface Attribute {
  name: string;
  classes: number[];
}

/** Attributes of the multi-label family: several yes/no questions about the same image. */
export const FASHION_ATTRIBUTES: Attribute[] = [
  { name: "footwear", classes: [5, 7, 9] },
  { name: "upper body", classes: [0, 2, 4, 6] },
  { name: "long sleeves", classes: [2, 4, 6] },
  { name: "covers the legs", classes: [1, 3] },
  { name: "bag", classes: [8] },
];

function binaryLabels(split: FashionSplit, classes: number[]): Float32Array {
  const set = new Set(classes);
  return Float32Array.from(split.labels, (l) => (set.has(l) ? 1 : 0));
}

function limit(split: FashionSplit, n: number | undefined): FashionSplit {
  if (n === undefined || n >= split.n) return split;
  return { images: split.images.subarray(0, n * 196), labels: split.labels.subarray(0, n), n };
}

/** Options of the Fashion-MNIST families. */
export interface FashionFamilyConfig {
  /** Use only the first n training images (the subset is shuffled). Default all. */
  trainSize?: number;
  testSize?: number;
}

/** Multi-label learning: binary attributes of the same images (same p(x), same loss). */
export function fashionMultiLabelFamily(config: FashionFamilyConfig & { attributes?: Attribute[] } = {}): TaskFamily {
  const data = loadFashionMnist();
  const train = limit(data.train, config.trainSize);
  const test = limit(data.test, config.testSize);
  const attributes = config.attributes ?? FASHION_ATTRIBUTES;
  const dim = data.side * data.side;
  const tasks: Task[] = attributes.map((a, i) => ({
    name: a.name,
    index: i,
    descriptor: oneHot(i, attributes.length),
    train: dataset(train.images, binaryLabels(train, a.classes), dim, 1),
    test: dataset(test.images, binaryLabels(test, a.classes), dim, 1),
    loss: "bce",
    metric: "auc",
  }));
  return { name: "Fashion-MNIST attributes (multi-label)", inputDim: dim, outputDim: 1, descriptorDim: tasks.length, tasks, sharedInputs: true };
}

/** Multi-task classification: one-vs-rest tasks, one per chosen class. */
export function fashionOneVsRestFamily(config: FashionFamilyConfig & { classes?: number[] } = {}): TaskFamily {
  const classes = config.classes ?? Array.from({ length: 10 }, (_, i) => i);
  return fashionMultiLabelFamily({ ...config, attributes: classes.map((c) => ({ name: `is ${FASHION_CLASSES[c]}`, classes: [c] })) });
}

/**
 * Tasks whose losses differ: "is footwear" (binary cross-entropy) and the image's mean brightness
 * (regression, mean squared error, on a much smaller scale: predicting the label mean costs about
 * 0.61 nats against 0.016 squared units on the shipped subset). Notebook 01 shows it as its example
 * of mixed losses; notebook 03 studies loss scales on synthetic regression tasks instead.
 */
export function fashionMixedLossFamily(config: FashionFamilyConfig = {}): TaskFamily {
  const data = loadFashionMnist();
  const train = limit(data.train, config.trainSize);
  const test = limit(data.test, config.testSize);
  const dim = data.side * data.side;
  const brightness = (s: FashionSplit) => {
    const out = new Float32Array(s.n);
    for (let i = 0; i < s.n; i++) {
      let sum = 0;
      for (let j = 0; j < dim; j++) sum += s.images[i * dim + j];
      out[i] = sum / dim;
    }
    return out;
  };
  const tasks: Task[] = [
    {
      name: "footwear",
      index: 0,
      descriptor: oneHot(0, 2),
      train: dataset(train.images, binaryLabels(train, [5, 7, 9]), dim, 1),
      test: dataset(test.images, binaryLabels(test, [5, 7, 9]), dim, 1),
      loss: "bce",
      metric: "accuracy",
    },
    {
      name: "brightness",
      index: 1,
      descriptor: oneHot(1, 2),
      train: dataset(train.images, brightness(train), dim, 1),
      test: dataset(test.images, brightness(test), dim, 1),
      loss: "mse",
      metric: "mse",
    },
  ];
  return { name: "Fashion-MNIST: a classification and a regression task", inputDim: dim, outputDim: 1, descriptorDim: 2, tasks, sharedInputs: true };
}
