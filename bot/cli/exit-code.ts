/**
 * The exit code commands ask for. Kept apart from `process.exitCode` because PGlite's WASM runtime
 * resets `process.exitCode` to 0 when it closes; `main` applies this value after everything closed.
 */
let requested = 0;

/** Records the exit code a command wants (0 answered, 1 failure, 2 the input must change). */
export function setExitCode(code: number): void {
  requested = code;
}

/** The recorded exit code. */
export function requestedExitCode(): number {
  return requested;
}

/** Forgets the recorded code (start of a run). */
export function resetExitCode(): void {
  requested = 0;
}
