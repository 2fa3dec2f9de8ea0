import { ApiError } from './http-util';

/** Indian mobile numbers as Eka stores them: `+91` then ten digits starting 6-9. */
export const MOBILE_PATTERN = /^\+91[6-9]\d{9}$/;

/** Checks a mobile number, answering a 400 that shows the expected format. */
export function checkMobile(value: string, field = 'mobile'): string {
  if (!MOBILE_PATTERN.test(value)) {
    throw new ApiError(
      400,
      'invalid_mobile',
      `"${field}" must look like +91XXXXXXXXXX (ten digits after +91).`,
    );
  }
  return value;
}

/** Checks a YYYY-MM-DD calendar date; returns its UTC midnight in epoch ms. */
export function checkDate(value: string, field: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) throw new ApiError(400, 'invalid_date', `"${field}" must be a date as YYYY-MM-DD.`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const time = Date.UTC(year, month - 1, day);
  const back = new Date(time);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) {
    throw new ApiError(400, 'invalid_date', `"${field}" is not a real calendar date.`);
  }
  return time;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Checks an email address. */
export function checkEmail(value: string): string {
  if (!EMAIL.test(value)) throw new ApiError(400, 'invalid_email', '"email" is not a valid email address.');
  return value;
}
