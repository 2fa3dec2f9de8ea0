/**
 * Input fields several tools share, each with a description written for the
 * model and a validation message it can act on.
 */
import { z } from 'zod/v4';
import { isIsoDate } from './ist-time';

/** An Indian mobile number in the +91XXXXXXXXXX form Eka stores. */
export function mobileField() {
  return z
    .string()
    .trim()
    .transform((value) => value.replace(/[\s-]/g, ''))
    .pipe(
      z
        .string()
        .regex(
          /^\+91[6-9]\d{9}$/,
          'Mobile must be an Indian number written +91 followed by 10 digits starting 6-9, e.g. +919876543210.',
        ),
    );
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
    .regex(/^[A-Za-z0-9_.:-]+$/, `${what} may contain only letters, digits, '-', '_', '.' and ':'.`);
}

/** A patient's gender as Eka codes it. */
export function genderField() {
  return z
    .enum(['M', 'F', 'O'], { message: 'Gender must be M (male), F (female) or O (other).' })
    .describe('Gender: M (male), F (female) or O (other).');
}

/** `page_no` of the paginated tools: a page number starting at 0. */
export function pageNoField() {
  return z.number().int().min(0, 'page_no starts at 0.').default(0).describe('Page number, starting at 0.');
}
