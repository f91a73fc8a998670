/** `strata` exit codes; documented in the README. */
export const EXIT = {
  ok: 0,
  /** Nothing could be produced: the source failed, or the server could not start. */
  failed: 1,
  /** The command line is wrong. */
  usage: 2,
  /** Output was produced, but some input could not be read (broken YAML, an unreadable file). */
  partialInput: 3,
  /** `strata diagnose`: a finding at or above --fail-on. */
  findings: 4,
} as const;
