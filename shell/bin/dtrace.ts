#!/usr/bin/env node
// The classic dtrace command line.
console.log("dtrace stub");
