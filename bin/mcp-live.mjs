#!/usr/bin/env node
// The published executable: the CLI compiled to dist/ by `npm run build` (run by `prepare`).
import '../dist/cli/main.js';
