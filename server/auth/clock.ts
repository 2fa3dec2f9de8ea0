/** Milliseconds since the epoch; injectable so cache lifetimes can be tested without waiting. */
export type Clock = () => number;

/** The real clock. */
export const systemClock: Clock = () => Date.now();
