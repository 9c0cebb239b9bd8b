// Payloads of a backend serving the built-in text model `content` beside fraud (the default).
import type { ModelPrediction, ModelSchema, Overview, RecentPredictions } from "../lib/types";
import { predictionResult } from "./fixtures";
import { glance } from "./many-models";

export const withContent: Overview = {
  default_model: "fraud",
  models: [glance("fraud"), glance("content", { rps: 4 })],
};

/** GET /api/v1/models/content/schema: one text feature. */
export const contentSchema: ModelSchema = {
  name: "content",
  description: "Message content: probability that a message is spam.",
  target: "label",
  classes: ["spam", "ham"],
  features: [
    {
      name: "text",
      kind: "text",
      type: "text",
      description: "The message: subject and body as plain text",
      unit: null,
      minimum: null,
      maximum: null,
      categories: [],
      open_categories: false,
      open_range: false,
      allow_missing: false,
      example: "Re: build failure on ARM",
    },
  ],
  gate: {},
  monitoring: {},
};

/** A message with an emoji before some tokens: its spans count code points, not UTF-16 units. */
export const SPAM_TEXT = "FREE cash 😀😀 now, free!";

/** POST /api/v1/models/content/predict?explain=true for SPAM_TEXT. */
export const explainedSpam: ModelPrediction = {
  ...predictionResult,
  fraud_probability: undefined,
  probability: 0.93,
  decision: "spam",
  threshold: 0.2,
  model_name: "content",
  explanation: {
    available: true,
    method: "tokens",
    bias: -1.5,
    margin: 0.1,
    tokens: {
      feature: "text",
      positive: [
        {
          token: "free",
          contribution: 0.9,
          spans: [
            [0, 4],
            [18, 22],
          ],
        },
        { token: "cash", contribution: 0.4, spans: [[5, 9]] },
      ],
      negative: [
        { token: "😀😀", contribution: -0.2, spans: [[10, 12]] },
        { token: "now", contribution: -0.1, spans: [[13, 16]] },
      ],
      other: 0.6,
    },
  },
};

/** GET /api/v1/predictions/recent?model=content: newest first. */
export const recentMessages: RecentPredictions = {
  model_name: "content",
  text_feature: "text",
  predictions: [
    {
      prediction_id: "0193a6f0-0000-7000-8000-000000000002",
      ts: "2026-12-05T11:40:02Z",
      model_version: 1,
      variant: "production",
      source: "online",
      path: "model",
      probability: 0.91,
      decision: "spam",
      label: "ham",
      text: "Our newsletter: 20% off this week",
    },
    {
      prediction_id: "0193a6f0-0000-7000-8000-000000000001",
      ts: "2026-12-05T11:40:01Z",
      model_version: 1,
      variant: "production",
      source: "online",
      path: "rules",
      probability: 0.02,
      decision: "ham",
      label: null,
      text: "Lunch on Friday?",
    },
  ],
};
