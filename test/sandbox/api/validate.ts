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
