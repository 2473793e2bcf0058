#!/usr/bin/env node
// The published executable: the CLI compiled to dist/ by `npm run build` (run by `prepack` and `npm test`).
import '../dist/cli/main.js';
