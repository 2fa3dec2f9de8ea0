import { type Clock, systemClock } from './clock';
import type { KeyValueStore } from './key-value-store';

const WINDOW_SECONDS = 3600;

/**
 * Caps dynamic client registrations per hour, whoever asks: on this instance,
 * and across every instance sharing the store (Redis). Per-address limits
 * alone are defeated by a caller that rotates its address.
 */
export class RegistrationLimiter {
  readonly #store: KeyValueStore;
  readonly #limit: number;
  readonly #clock: Clock;
  #window = -1;
  #count = 0;

  constructor(options: { store: KeyValueStore; limit: number; clock?: Clock }) {
    this.#store = options.store;
    this.#limit = options.limit;
    this.#clock = options.clock ?? systemClock;
  }

  /** Counts one registration; whether it is within the caps. */
  async admit(): Promise<boolean> {
    const window = Math.floor(this.#clock() / 1000 / WINDOW_SECONDS);
    if (window !== this.#window) {
      this.#window = window;
      this.#count = 0;
    }
    this.#count += 1;
    if (this.#count > this.#limit) return false;
    if (this.#store.kind === 'memory') return true;
    const shared = await this.#store.increment(`registrations:${window}`, WINDOW_SECONDS);
    return shared <= this.#limit;
  }
}
