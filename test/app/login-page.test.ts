import { describe, expect, it } from 'vitest';
import { renderLoginPage } from '../../app/core/login-page';

describe('the sign-in result pages', () => {
  it('carry the Eka MCP mark, a light and a dark scheme, and what to do next', () => {
    const success = renderLoginPage('success', 'Signed in as Dr. Ananya Iyer.');
    expect(success).toContain('<span>Eka MCP</span>');
    expect(success).toContain('prefers-color-scheme:dark');
    expect(success).toContain('<meta name="color-scheme" content="light dark">');
    expect(success).toContain('You can close this tab');
    const failure = renderLoginPage('failure', 'Eka said: access_denied');
    expect(failure).toContain('<main class="failure">');
    expect(failure).toMatch(/try again/);
  });

  it('escape the detail and load nothing from elsewhere', () => {
    const page = renderLoginPage('failure', '<script>alert(1)</script>');
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;');
    expect(page).not.toMatch(/src=|href=|url\(/);
  });
});
