/**
 * Removes secrets and patient identifiers from anything headed for a log:
 * bearer tokens, JWTs, client secrets and API keys, OTPs, authorization
 * codes, cookies, passwords in URLs, Indian mobile numbers, email addresses,
 * patient names and ABHA numbers or addresses. Works on strings (pattern
 * based) and on objects (key based, then pattern based on every remaining
 * string).
 */

const REDACTED = '[redacted]';

/** Keys whose values are secrets. */
const SECRET_KEY =
  /^(?:authorization|proxy-authorization|cookie|set-cookie|x-api-key|api[-_]?key|password|passwd|pwd|secret|client[-_]?secret|otp|code[-_]?verifier|auth[-_]?code|authorization[-_]?code|.*token.*|.*secret.*|.*password.*|.*api[-_]?key.*)$/i;

/** Keys whose values identify a patient or a person. */
const PERSON_KEY =
  /^(?:fln|fn|ln|mn|name|first[-_]?name|last[-_]?name|middle[-_]?name|full[-_]?name|patient[-_]?name|display[-_]?name|given[-_]?name|family[-_]?name|username|user[-_]?name|preferred[-_]?username|dob|date[-_]?of[-_]?birth|address|identifier|prefix|phr[-_]?address|healthid|health[-_]?id|mob|.*mobile.*|.*phone.*|.*e[-_]?mail.*|.*abha.*|.*aadhaa?r.*)$/i;

/** Secret keys as they appear in text: `access_token=…`, `"clientSecret": "…"`, `x-api-key: …`. */
const TEXT_SECRET_KEY =
  '[A-Za-z0-9_-]{0,40}(?:token|secret|passw(?:or)?d|api[-_]?key|code[-_]?verifier)[A-Za-z0-9_-]{0,40}|otp|pwd';

/** Person keys as they appear in text. */
const TEXT_PERSON_KEY =
  'fln|name|first[-_]?name|last[-_]?name|middle[-_]?name|full[-_]?name|patient[-_]?name|display[-_]?name|given[-_]?name|family[-_]?name|user[-_]?name|preferred[-_]?username|e[-_]?mail(?:[-_]?(?:address|id))?|mobile(?:[-_]?(?:number|no))?|mob|phone(?:[-_]?(?:number|no))?|contact[-_]?(?:number|no)|dob|date[-_]?of[-_]?birth|identifier|prefix|phr[-_]?address|abha(?:[-_]?(?:address|number|id))?|health[-_]?id|aadhaa?r';

interface Pattern {
  re: RegExp;
  replace: string | ((substring: string, ...groups: string[]) => string);
}

const PATTERNS: Pattern[] = [
  // Cookie headers in text: everything to the end of the line.
  { re: /\b((?:set-)?cookie\s*:\s*)[^\r\n]+/gi, replace: `$1${REDACTED}` },
  // Authorization header values, also URL-encoded (Bearer%20…, Bearer+…).
  { re: /\b(Bearer|Basic)(\s+|%20|\+)[A-Za-z0-9._~+/=%-]+/gi, replace: `$1$2${REDACTED}` },
  // JSON Web Tokens (header.payload.signature, base64url), also wrapped across lines.
  {
    re: /\beyJ[A-Za-z0-9_-]{5,}\s*\.\s*[A-Za-z0-9_-]{5,}\s*\.\s*[A-Za-z0-9_-]*/g,
    replace: '[jwt]',
  },
  // A JWT segment on its own (the header or claims of a token split over lines).
  { re: /\beyJ[A-Za-z0-9_-]{10,}/g, replace: '[jwt]' },
  // Passwords in URLs: scheme://user:password@host.
  { re: /\b([a-z][a-z0-9+.-]{0,30}:\/\/[^\s/@:]{0,128}:)[^\s/@]{1,256}@/gi, replace: `$1${REDACTED}@` },
  // Authorization codes in redirect URLs (?code=… / &code=… / #code=…).
  { re: /([?&#;]code(?:=|%3D))[^&#\s"']+/gi, replace: `$1${REDACTED}` },
  // key=value or "key": "value" pairs for secret and person keys, in text (query strings, JSON dumps), plain or URL-encoded.
  {
    re: new RegExp(
      `(?<![A-Za-z0-9_-])(["']|%22)?(${TEXT_SECRET_KEY}|${TEXT_PERSON_KEY})\\1(\\s*(?:[:=]|%3[AD])\\s*)("[^"]*"|'[^']*'|%22.*?%22|[^\\s&,;}"']+)`,
      'gi',
    ),
    replace: (_m, q: string | undefined, key: string, sep: string) => {
      const quote = q ?? '';
      return `${quote}${key}${quote}${sep}${quote === '%22' ? '%22[redacted]%22' : quote ? '"[redacted]"' : REDACTED}`;
    },
  },
  // Secrets passed as flags: --client-secret X.
  { re: /(--(?:client-secret|api-key|password|token)[=\s]+)\S+/gi, replace: `$1${REDACTED}` },
  // OTPs mentioned in prose: "otp 123456", "OTP is 1234".
  { re: /\b(otp)(\s*(?:is|:|=)?\s*)\d{4,8}\b/gi, replace: '$1$2[otp]' },
  // ABHA addresses (name@abdm, name@sbx) before generic emails.
  { re: /\b[A-Za-z0-9._-]{1,64}@(?:abdm|sbx)\b/gi, replace: '[abha-address]' },
  // Email addresses, also with the @ URL-encoded.
  { re: /\b[A-Za-z0-9._%+-]{1,64}(?:@|%40)[A-Za-z0-9.-]{1,255}\.[A-Za-z]{2,24}\b/g, replace: '[email]' },
  // ABHA numbers: 14 digits, usually 2-4-4-4.
  { re: /\b\d{2}[\s-]\d{4}[\s-]\d{4}[\s-]\d{4}\b/g, replace: '[abha]' },
  { re: /(?<!\d)\d{14}(?!\d)/g, replace: '[abha]' },
  // Indian mobile numbers, with or without +91 / 91 / 0, spaces or dashes (5-5 or 3-3-4 groups).
  { re: /(?:\+|%2B)91[\s-]?[6-9]\d{4}[\s-]?\d{5}(?!\d)/gi, replace: '[mobile]' },
  { re: /(?<!\d)(?:91[\s-]?|0)?[6-9]\d{4}[\s-]?\d{5}(?!\d)/g, replace: '[mobile]' },
  { re: /(?:(?:\+|%2B)?91[\s-]?|(?<!\d))[6-9]\d{2}[\s-]\d{3}[\s-]\d{4}(?!\d)/gi, replace: '[mobile]' },
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
  if (value instanceof URL) return redactText(value.href);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[binary ${value.byteLength} bytes]`;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: redactText(value.message) };
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) out.code = typeof code === 'string' ? redactText(code) : code;
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
