/**
 * Removes secrets and patient identifiers from anything headed for a log:
 * bearer tokens, JWTs, client secrets and API keys, OTPs, Indian mobile
 * numbers, email addresses, patient names and ABHA numbers or addresses.
 * Works on strings (pattern based) and on objects (key based, then pattern
 * based on every remaining string).
 */

const REDACTED = '[redacted]';

/** Keys whose values are secrets. */
const SECRET_KEY =
  /^(?:authorization|cookie|set-cookie|x-api-key|api[-_]?key|password|passwd|pwd|secret|client[-_]?secret|otp|code_verifier|auth[-_]?code|authorization[-_]?code|.*token.*|.*secret.*)$/i;

/** Keys whose values identify a patient or a person. */
const PERSON_KEY =
  /^(?:fln|fn|ln|mn|name|first[-_]?name|last[-_]?name|middle[-_]?name|full[-_]?name|patient[-_]?name|display[-_]?name|username|email|e[-_]?mail|mobile|mob|phone|phone[-_]?number|dob|date[-_]?of[-_]?birth|address|identifier|prefix|abha|abha[-_]?number|abha[-_]?address|phr[-_]?address|healthid|health[-_]?id|given_name|family_name|preferred_username)$/i;

interface Pattern {
  re: RegExp;
  replace: string | ((substring: string, ...groups: string[]) => string);
}

const PATTERNS: Pattern[] = [
  // Authorization header values.
  { re: /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, replace: '$1 [redacted]' },
  // JSON Web Tokens (header.payload.signature, base64url).
  { re: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, replace: '[jwt]' },
  // key=value or "key": "value" pairs for secret and person keys, in text (query strings, JSON dumps).
  {
    re: /(["']?)((?:access|refresh|id)?_?token|client_secret|secret|api[-_]?key|password|otp|code_verifier|fln|name|first_name|last_name|full_name|patient_name|username|email|mobile|mob|phone|dob|identifier|prefix|phr_address|abha_address|abha_number)\1(\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s&,;}"']+)/gi,
    replace: (_m, q: string, key: string, sep: string) =>
      `${q}${key}${q}${sep}${q ? '"[redacted]"' : REDACTED}`,
  },
  // OTPs mentioned in prose: "otp 123456", "OTP is 1234".
  { re: /\b(otp)(\s*(?:is|:|=)?\s*)\d{4,8}\b/gi, replace: '$1$2[otp]' },
  // ABHA addresses (name@abdm, name@sbx) before generic emails.
  { re: /\b[A-Za-z0-9._-]+@(?:abdm|sbx)\b/gi, replace: '[abha-address]' },
  // Email addresses.
  { re: /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g, replace: '[email]' },
  // ABHA numbers: 14 digits, usually 2-4-4-4.
  { re: /\b\d{2}-\d{4}-\d{4}-\d{4}\b/g, replace: '[abha]' },
  { re: /(?<!\d)\d{14}(?!\d)/g, replace: '[abha]' },
  // Indian mobile numbers, with or without +91 / 91 / 0, spaces or dashes.
  { re: /\+91[\s-]?[6-9]\d{4}[\s-]?\d{5}(?!\d)/g, replace: '[mobile]' },
  { re: /(?<!\d)(?:91[\s-]?|0)?[6-9]\d{4}[\s-]?\d{5}(?!\d)/g, replace: '[mobile]' },
  // Secrets passed as flags: --client-secret X.
  { re: /(--(?:client-secret|api-key|password|token)[=\s]+)\S+/gi, replace: '$1[redacted]' },
];

/** Redacts a single string. */
export function redactText(text: string): string {
  let out = text;
  for (const { re, replace } of PATTERNS) {
    out = out.replace(re, replace as string);
  }
  return out;
}

/** Returns a copy of `value` with secrets and patient identifiers removed; strings are pattern-redacted. */
export function redact<T>(value: T): T {
  return redactValue(value, new WeakSet()) as T;
}

function redactValue(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: redactText(value.message) };
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) out.code = code;
    if (value.cause !== undefined) out.cause = redactValue(value.cause, seen);
    return out;
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, seen));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (SECRET_KEY.test(key) || PERSON_KEY.test(key)) {
      out[key] = item === undefined || item === null || item === '' ? item : REDACTED;
    } else {
      out[key] = redactValue(item, seen);
    }
  }
  return out;
}
