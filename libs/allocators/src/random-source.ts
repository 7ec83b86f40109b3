/** Returns a float in [0, 1); injectable so tests can make allocation order deterministic. */
export type RandomSource = () => number;
