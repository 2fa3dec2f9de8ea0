#!/usr/bin/env node
// The eka-mcp command line: sign in, modes, credentials and client configs.
import '../dist/cli/eka-mcp.mjs';
