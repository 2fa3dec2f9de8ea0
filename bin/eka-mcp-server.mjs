#!/usr/bin/env node
// The Eka MCP server, as users of Eka's SDK already start it.
import '../dist/server/eka-mcp-server.mjs';
