import type { FaultKind, FaultRule } from '../types';
import { ApiError } from './http-util';

const STATUSES = new Set([401, 429, 500, 502, 503]);

/** Checks an untrusted fault rule (from the admin endpoint) and returns it typed. */
export function parseFaultRule(value: unknown): FaultRule {
  const bad = (message: string) => new ApiError(400, 'invalid_fault', message);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw bad('A fault rule must be an object.');
  const rule = value as Record<string, unknown>;
  const method = rule.method ?? '*';
  if (typeof method !== 'string' || !/^(\*|[A-Za-z]+)$/.test(method))
    throw bad('"method" must be an HTTP method or "*".');
  if (typeof rule.path !== 'string' || !rule.path.startsWith('/'))
    throw bad('"path" must be a path starting with "/".');
  if (rule.times !== undefined && (!Number.isInteger(rule.times) || (rule.times as number) < 1)) {
    throw bad('"times" must be a positive integer.');
  }
  const fault = rule.fault as Record<string, unknown> | undefined;
  if (typeof fault !== 'object' || fault === null) throw bad('"fault" must be an object with a "kind".');
  let parsed: FaultKind;
  switch (fault.kind) {
    case 'delay':
      if (typeof fault.ms !== 'number' || fault.ms < 0 || fault.ms > 600_000) {
        throw bad('A delay needs "ms" between 0 and 600000.');
      }
      parsed = { kind: 'delay', ms: fault.ms };
      break;
    case 'status': {
      if (typeof fault.status !== 'number' || !STATUSES.has(fault.status)) {
        throw bad('A status fault needs "status" of 401, 429, 500, 502 or 503.');
      }
      if (fault.retryAfter !== undefined && (typeof fault.retryAfter !== 'number' || fault.retryAfter < 0)) {
        throw bad('"retryAfter" must be a number of seconds.');
      }
      parsed = {
        kind: 'status',
        status: fault.status as 401 | 429 | 500 | 502 | 503,
        ...(fault.retryAfter === undefined ? {} : { retryAfter: fault.retryAfter as number }),
      };
      break;
    }
    case 'malformed':
      parsed = { kind: 'malformed' };
      break;
    case 'hang':
      parsed = { kind: 'hang' };
      break;
    default:
      throw bad('"fault.kind" must be one of delay, status, malformed, hang.');
  }
  return {
    method: method.toUpperCase(),
    path: rule.path,
    fault: parsed,
    ...(rule.times === undefined ? {} : { times: rule.times as number }),
  };
}

/** The active fault rules of the API. */
export class FaultTable {
  #rules: FaultRule[] = [];

  /** Adds a rule; later requests matching its method and path prefix get the fault. */
  add(rule: FaultRule): void {
    this.#rules.push({ ...rule, method: rule.method.toUpperCase() });
  }

  /** Removes every rule. */
  clear(): void {
    this.#rules = [];
  }

  /** The rules still active. */
  list(): FaultRule[] {
    return this.#rules.map((r) => ({ ...r }));
  }

  /** The faults for one request, in order (counting down each rule's `times`). */
  take(method: string, path: string): FaultKind[] {
    const hits: FaultKind[] = [];
    for (const rule of this.#rules) {
      if (rule.method !== '*' && rule.method !== method) continue;
      if (!path.startsWith(rule.path)) continue;
      hits.push(rule.fault);
      if (rule.times !== undefined) rule.times -= 1;
    }
    this.#rules = this.#rules.filter((r) => r.times === undefined || r.times > 0);
    return hits;
  }
}
