/** Unit tests of redact(): secrets and patient identifiers never reach a log. */
import { describe, expect, it } from 'vitest';
import { redact, redactText } from '../../server/redact';

const JWT =
  'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJkb2MtMSIsImV4cCI6MTc2Mzc3OTIwMH0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

describe('redactText', () => {
  it.each([
    ['Authorization: Bearer abc.def-123_456', 'abc.def-123_456'],
    [`token ${JWT} used`, JWT],
    ['client_secret=s3cr3t-value&x=1', 's3cr3t-value'],
    ['{"refresh_token":"rt-123456"}', 'rt-123456'],
    ['api_key: key-abcdef', 'key-abcdef'],
    ['the OTP is 482913', '482913'],
    ['{"otp":"482913","txn_id":"t"}', '482913'],
    ['call +91 90000 12345 today', '90000 12345'],
    ['mobile +919000012345', '9000012345'],
    ['mob=+919000012345', '9000012345'],
    ['reach 9000012345 or 09000012346', '9000012345'],
    ['write to ravi.kumar@patients.example', 'ravi.kumar@patients.example'],
    ['abha 91-1234-5678-9012 linked', '91-1234-5678-9012'],
    ['abha 91123456789012 linked', '91123456789012'],
    ['address ravi.kumar12@sbx chosen', 'ravi.kumar12@sbx'],
    ['{"fln":"Ravi Kumar","oid":"17500"}', 'Ravi Kumar'],
    ['GET /profiles/v1/patient/search?prefix=Ravi&limit=10', 'Ravi'],
    ['eka-mcp credentials set --client-secret hunter22', 'hunter22'],
  ])('removes the secret or identifier from %j', (input, secret) => {
    const out = redactText(input);
    expect(out).not.toContain(secret);
  });

  it('keeps what is needed to debug: paths, status codes, epoch times, ids', () => {
    const text = 'GET /dr/v1/appointment/a-00042 200 start_time=1763779200 doctor d-ananya';
    expect(redactText(text)).toBe(text);
  });
});

describe('redact', () => {
  it('redacts secret and person keys at any depth and patterns in other strings', () => {
    const out = redact({
      headers: { authorization: 'Bearer xyz', 'client-id': 'sandbox-integrator' },
      body: { client_secret: 'shh', api_key: 'k', access_token: 'a', refresh_token: 'r' },
      patient: {
        oid: '17500',
        fln: 'Ravi Kumar',
        mobile: '+919000012345',
        dob: '1990-01-01',
        email: 'r@x.example',
      },
      abha: { abha_number: '91-1234-5678-9012', phr_address: 'ravi@abdm' },
      note: 'called +919000012345 about OTP 123456',
      list: [{ name: 'Asha Rao' }],
    });
    const text = JSON.stringify(out);
    for (const secret of [
      'xyz',
      'shh',
      '"k"',
      '"a"',
      '"r"',
      'Ravi',
      '9000012345',
      '1990-01-01',
      'r@x.example',
      '5678',
      'ravi@abdm',
      '123456',
      'Asha',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('sandbox-integrator');
    expect(text).toContain('17500');
  });

  it('keeps error codes, redacts error messages and causes, and survives cycles', () => {
    const cause = new Error('token eyJabcdefgh.eyJabcdefgh.sig rejected');
    const error = Object.assign(new Error('patient +919000012345 not found', { cause }), {
      code: 'not_found',
    });
    const cyclic: Record<string, unknown> = { error };
    cyclic.self = cyclic;
    const out = JSON.stringify(redact(cyclic));
    expect(out).toContain('not_found');
    expect(out).not.toContain('9000012345');
    expect(out).not.toContain('eyJabcdefgh');
    expect(out).toContain('[circular]');
  });
});
