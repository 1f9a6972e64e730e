#!/usr/bin/env node
// The dtsh interactive shell.
console.log("dtsh stub");
