// Placeholder type until the data module lands; replaced by the full target description.
export type TargetSpec = Record<string, unknown>;
