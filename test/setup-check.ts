// Every simulation under test checks its run-time invariants (sim/engine/check.ts), including
// compiled CLIs and worker threads the tests start (they inherit the environment).
process.env.MCMSIM_CHECK = process.env.MCMSIM_CHECK ?? '1';
