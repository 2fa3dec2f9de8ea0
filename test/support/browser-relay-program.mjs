#!/usr/bin/env node
// The clinician's "browser" for tests: set as EKA_MCP_BROWSER, it hands the
// URL it is asked to open to the test (EKA_TEST_BROWSER_RELAY), which opens
// it in a real Chromium.
const relay = process.env.EKA_TEST_BROWSER_RELAY;
const url = process.argv[2];
if (!relay || !url) process.exit(2);
try {
  const response = await fetch(relay, { method: 'POST', body: url });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
