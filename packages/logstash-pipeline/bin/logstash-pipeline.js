#!/usr/bin/env node
// Committed shim so npm can link the bin before `prepare` has built dist/.
import '../dist/cli.js';
