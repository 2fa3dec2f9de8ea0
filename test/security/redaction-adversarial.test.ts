/**
 * Adversarial inputs for redaction: tokens in URLs and URL-encoded text,
 * JWTs wrapped across lines, camelCase keys in upstream JSON, cookies,
 * passwords in URLs, identifiers in upstream error messages. Each case names
 * the leak it guards against.
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logging';
import { redact, redactText } from '../../server/redact';

const JWT_HEADER = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9';
const JWT_CLAIMS = 'eyJzdWIiOiJkb2MtMSIsImVtYWlsIjoiYUBiLmNvIn0';
const JWT_SIG = 'c2lnbmF0dXJlLXNpZ25hdHVyZQ';

describe('redactText against adversarial inputs', () => {
  it.each([
    [
      'authorization code in a redirect URL',
      'GET /callback?code=SplxlOBeZQQYbYS6WxSbIA&state=s1',
      'SplxlOBeZQQYbYS6WxSbIA',
    ],
    [
      'authorization code in a fragment',
      'https://app.example/cb#state=s&code=Zm9vYmFyYmF6cXV4',
      'Zm9vYmFyYmF6cXV4',
    ],
    ['upper-case BEARER', 'AUTHORIZATION: BEARER opaque-tok-123', 'opaque-tok-123'],
    ['bearer after a tab', 'Authorization:Bearer\topaque-tok-123', 'opaque-tok-123'],
    ['URL-encoded Bearer', 'header=Bearer%20opaque-tok-123', 'opaque-tok-123'],
    ['JWT wrapped across lines', `token ${JWT_HEADER}\n.${JWT_CLAIMS}\n.${JWT_SIG}`, JWT_CLAIMS],
    ['JWT claims alone on a line', `  ${JWT_CLAIMS}`, JWT_CLAIMS],
    ['camelCase refreshToken', 'refreshToken=rt-opaque-99', 'rt-opaque-99'],
    ['camelCase clientSecret in JSON', '{"clientSecret":"cs-opaque-99"}', 'cs-opaque-99'],
    ['prefixed x_access_token', 'x_access_token=at-opaque-99', 'at-opaque-99'],
    ['URL-encoded JSON token', '%22access_token%22%3A%22at-opaque-99%22', 'at-opaque-99'],
    ['URL-encoded query token', 'access_token%3Dat-opaque-99', 'at-opaque-99'],
    ['Cookie header with several cookies', 'Cookie: a=1; session=sess-opaque-99', 'sess-opaque-99'],
    ['Set-Cookie header', 'set-cookie: sid=sess-opaque-99; Path=/; HttpOnly', 'sess-opaque-99'],
    ['password in a Redis URL', 'connecting to redis://:redis-pass-99@cache:6379', 'redis-pass-99'],
    ['password in an https URL', 'https://user:url-pass-99@host.example/x', 'url-pass-99'],
    ['camelCase fullName from upstream JSON', 'upstream: {"fullName":"Ravi Kumar"}', 'Ravi Kumar'],
    ['camelCase phoneNumber with spaces', '{"phoneNumber":"+91 98450 12345"}', '98450 12345'],
    ['emailAddress key', "{'emailAddress': 'r@x.example'}", 'r@x.example'],
    ['URL-encoded email', 'search?q=ravi.kumar%40patients.example', 'ravi.kumar%40patients.example'],
    ['mobile written 3-3-4', 'patient 984-501-2345 not found', '984-501-2345'],
    ['mobile written +91 3-3-4', 'call +91 984 501 2345', '984 501 2345'],
    ['ABHA number with spaces', 'ABHA 91 1234 5678 9012 linked', '1234 5678 9012'],
    [
      'email in an upstream error message',
      'Eka: user ravi.kumar@patients.example is disabled',
      'ravi.kumar@patients.example',
    ],
    ['mobile in an upstream error message', 'Eka: no patient with mobile 9845012345', '9845012345'],
  ])('%s', (_label, input, secret) => {
    expect(redactText(input)).not.toContain(secret);
  });

  it('keeps error codes, paths and times that are needed to debug', () => {
    const text =
      'GET /dr/v1/appointment/a-00042 200 start_time=1763779200 error_code=not_found client_name=Claude';
    expect(redactText(text)).toBe(text);
  });
});

describe('redact on objects against adversarial inputs', () => {
  it('redacts camelCase person keys from upstream payloads', () => {
    const text = JSON.stringify(
      redact({
        patient: {
          mobileNumber: '9845012345x',
          emailAddress: 'opaque-mail',
          givenName: 'Asha',
          familyName: 'Rao',
          abhaId: 'abha-opaque',
          aadhaar: 'aadhaar-opaque',
        },
      }),
    );
    for (const value of ['9845012345x', 'opaque-mail', 'Asha', 'Rao', 'abha-opaque', 'aadhaar-opaque']) {
      expect(text).not.toContain(value);
    }
  });

  it('redacts URL objects and never dumps binary buffers', () => {
    const text = JSON.stringify(
      redact({
        url: new URL('https://api.example/x?access_token=at-opaque-99&code=code-opaque-99'),
        body: Buffer.from('refresh_token=rt-opaque-99'),
      }),
    );
    expect(text).not.toContain('at-opaque-99');
    expect(text).not.toContain('code-opaque-99');
    expect(text).not.toContain('rt-opaque-99');
    expect(text).toContain('[binary');
  });

  it('redacts a JSON body carried in an error cause', () => {
    const cause = new Error('upstream said {"access_token":"at-opaque-99","fln":"Ravi Kumar"}');
    const text = JSON.stringify(redact({ error: new Error('call failed', { cause }) }));
    expect(text).not.toContain('at-opaque-99');
    expect(text).not.toContain('Ravi Kumar');
  });
});

describe('logger', () => {
  it('writes no token or identifier from a message or fields to its stream', () => {
    const stream = new PassThrough();
    let written = '';
    stream.on('data', (chunk: Buffer) => {
      written += chunk.toString();
    });
    const logger = createLogger({ level: 'debug', stream });
    logger.error('refresh failed for https://x.example/cb?code=code-opaque-99 (ravi@patients.example)', {
      headers: { Cookie: 'sid=sess-opaque-99' },
      detail: `Authorization: bearer ${JWT_HEADER}.${JWT_CLAIMS}.${JWT_SIG}`,
    });
    for (const secret of ['code-opaque-99', 'ravi@patients.example', 'sess-opaque-99', JWT_CLAIMS]) {
      expect(written).not.toContain(secret);
    }
    expect(written).toContain('refresh failed');
  });
});
