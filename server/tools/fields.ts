/**
 * Input fields several tools share, each with a description written for the
 * model and a validation message it can act on.
 */
import { z } from 'zod/v4';
import { isIsoDate } from './ist-time';

/**
 * A mobile number as written by people, reduced to what the directory keys
 * on: separators (spaces, dashes, dots, brackets) dropped, and a leading
 * +91, 0091, 91 or trunk 0 dropped when ten digits follow.
 */
export function bareMobile(value: string): string {
  return value.replace(/[\s().-]/g, '').replace(/^(?:\+91|0091|91|0)(?=\d{10}$)/, '');
}

/**
 * An Indian mobile number written as 10 digits, +91, 0091, 91 or 0 and 10
 * digits (spaces, dashes, dots and brackets allowed); parsed to the bare 10 digits, so
 * each tool sends every endpoint the form it wants (`e164Mobile` for +91...).
 */
export function mobileField() {
  return z
    .string()
    .trim()
    .transform((value) => bareMobile(value))
    .pipe(
      z
        .string()
        .regex(
          /^[6-9]\d{9}$/,
          'Mobile must be an Indian mobile number: 10 digits starting 6-9, optionally after +91 or 91, e.g. 9876543210 or +919876543210.',
        ),
    );
}

/** The +91XXXXXXXXXX form of a 10-digit Indian mobile number. */
export function e164Mobile(tenDigits: string): string {
  return `+91${tenDigits}`;
}

/** A calendar date in IST, YYYY-MM-DD. */
export function dateField() {
  return z
    .string()
    .trim()
    .refine(isIsoDate, 'Dates must be real calendar dates written YYYY-MM-DD (IST), e.g. 2026-01-05.');
}

/** An Eka id (patient oid, doctor id, clinic id, appointment id). */
export function idField(what: string) {
  return z
    .string()
    .trim()
    .min(1, `${what} is required.`)
    .max(128, `${what} is too long to be an Eka id.`)
    .regex(/^[A-Za-z0-9_.:-]+$/, `${what} may contain only letters, digits, '-', '_', '.' and ':'.`)
    .refine((value) => !/^\.+$/.test(value), `${what} must be an Eka id, not dots.`);
}

/** A patient's gender as Eka codes it. */
export function genderField() {
  return z
    .enum(['M', 'F', 'O'], { message: 'Gender must be M (male), F (female) or O (other).' })
    .describe('Gender: M (male), F (female) or O (other).');
}

/** `page_no` of the paginated tools: a page number starting where Eka's endpoint starts (0 or 1). */
export function pageNoField(first: 0 | 1 = 0) {
  return z
    .number()
    .int()
    .min(first, `page_no starts at ${first}.`)
    .default(first)
    .describe(`Page number, starting at ${first}.`);
}
